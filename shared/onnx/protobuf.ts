/**
 * A minimal protobuf wire-format writer and reader: enough for ONNX's messages (varints,
 * length-delimited fields, 32-bit floats). Pure: works on `Uint8Array`s only.
 */

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: false });

/** Builds one message: call the field methods in field order, then `finish()`. */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private buf = new Uint8Array(256);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = new Uint8Array(Math.max(256, n));
    this.pos = 0;
  }

  private rawVarint(value: bigint | number): void {
    this.ensure(10);
    if (typeof value === 'number' && value >= 0 && value <= 0x7fffffff && Number.isInteger(value)) {
      // Fast path (tags, lengths, dims): small non-negative integers without BigInt.
      let n = value;
      while (n >= 0x80) {
        this.buf[this.pos++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      this.buf[this.pos++] = n;
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint((field << 3) | wire);
  }

  private rawBytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** int32/int64/enum/bool field (negative numbers as 10-byte two's complement, as protobuf). */
  varint(field: number, value: number | bigint | boolean): this {
    this.tag(field, 0);
    this.rawVarint(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).setFloat32(0, value, true);
    this.pos += 4;
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(value.length);
    this.rawBytes(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  /** Packed repeated varints (int64 lists such as dims and `ints`). */
  packedVarints(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.rawVarint(v);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const total = this.chunks.reduce((n, c) => n + c.length, 0) + this.pos;
    const out = new Uint8Array(total);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    out.set(this.buf.subarray(0, this.pos), offset);
    return out;
  }
}

/** One decoded field: a varint (as bigint), a 32/64-bit value's bytes, or a length-delimited slice. */
export type ProtoValue =
  | { wire: 0; value: bigint }
  | { wire: 1; bytes: Uint8Array }
  | { wire: 2; bytes: Uint8Array }
  | { wire: 5; bytes: Uint8Array };

export class ProtoError extends Error {}

/** Decodes one message into its fields by number (repeated fields keep their order). */
export function decodeMessage(bytes: Uint8Array): Map<number, ProtoValue[]> {
  const fields = new Map<number, ProtoValue[]>();
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= bytes.length) throw new ProtoError('truncated varint');
      const b = bytes[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new ProtoError('varint too long');
    }
  };
  const take = (n: number): Uint8Array => {
    if (n < 0 || pos + n > bytes.length) throw new ProtoError('truncated field');
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  while (pos < bytes.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    let value: ProtoValue;
    if (wire === 0) value = { wire: 0, value: varint() };
    else if (wire === 1) value = { wire: 1, bytes: take(8) };
    else if (wire === 2) value = { wire: 2, bytes: take(Number(varint())) };
    else if (wire === 5) value = { wire: 5, bytes: take(4) };
    else throw new ProtoError(`unsupported wire type ${wire}`);
    const list = fields.get(field);
    if (list) list.push(value);
    else fields.set(field, [value]);
  }
  return fields;
}

/** Typed access to a decoded message's fields. */
export class ProtoMessage {
  readonly fields: Map<number, ProtoValue[]>;
  constructor(bytes: Uint8Array) {
    this.fields = decodeMessage(bytes);
  }

  private all(field: number): ProtoValue[] {
    return this.fields.get(field) ?? [];
  }

  has(field: number): boolean {
    return this.fields.has(field);
  }

  bytesList(field: number): Uint8Array[] {
    return this.all(field).flatMap((v) => (v.wire === 2 ? [v.bytes] : []));
  }

  bytes(field: number): Uint8Array | undefined {
    return this.bytesList(field).at(-1);
  }

  string(field: number): string {
    const b = this.bytes(field);
    return b ? textDecoder.decode(b) : '';
  }

  strings(field: number): string[] {
    return this.bytesList(field).map((b) => textDecoder.decode(b));
  }

  messages(field: number): ProtoMessage[] {
    return this.bytesList(field).map((b) => new ProtoMessage(b));
  }

  message(field: number): ProtoMessage | undefined {
    const b = this.bytes(field);
    return b ? new ProtoMessage(b) : undefined;
  }

  /** Signed 64-bit integers, packed or not, as numbers. */
  ints(field: number): number[] {
    const out: number[] = [];
    for (const v of this.all(field)) {
      if (v.wire === 0) out.push(Number(BigInt.asIntN(64, v.value)));
      else if (v.wire === 2) {
        let pos = 0;
        const b = v.bytes;
        while (pos < b.length) {
          let result = 0n;
          let shift = 0n;
          for (;;) {
            if (pos >= b.length) throw new ProtoError('truncated packed varint');
            const byte = b[pos++]!;
            result |= BigInt(byte & 0x7f) << shift;
            if ((byte & 0x80) === 0) break;
            shift += 7n;
          }
          out.push(Number(BigInt.asIntN(64, result)));
        }
      }
    }
    return out;
  }

  int(field: number, fallback = 0): number {
    return this.ints(field).at(-1) ?? fallback;
  }

  /** 32-bit floats, packed or not. */
  floats(field: number): number[] {
    const out: number[] = [];
    for (const v of this.all(field)) {
      const view = new DataView(
        v.wire === 0 ? new ArrayBuffer(0) : v.bytes.buffer,
        v.wire === 0 ? 0 : v.bytes.byteOffset,
        v.wire === 0 ? 0 : v.bytes.byteLength,
      );
      if (v.wire === 5) out.push(view.getFloat32(0, true));
      else if (v.wire === 2) {
        for (let i = 0; i + 4 <= v.bytes.byteLength; i += 4) out.push(view.getFloat32(i, true));
      }
    }
    return out;
  }

  float(field: number, fallback = 0): number {
    return this.floats(field).at(-1) ?? fallback;
  }
}
