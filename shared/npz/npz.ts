/**
 * numpy's `.npz` format written in pure TypeScript: an uncompressed zip of `.npy` (format 1.0)
 * files, each a little-endian float32 C-order array.
 *
 * `weightsToNpz` stores Netwright weights under the keys `<layer name>/<array name>` (the TF.js
 * weight names, e.g. `dense_1/kernel`, `conv_1/bias`, `bn/moving_mean`), in Keras layouts:
 * Dense kernel `[in, units]`, Conv2D kernel `[kh, kw, in, filters]`, biases and normalisation
 * arrays `[channels]`. See `shared/npz/README.md` for how PyTorch code maps them.
 */
import type { ModelWeights } from '../export/weights.ts';

export interface NpyArray {
  /** Key in the archive (without `.npy`). */
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

const encoder = new TextEncoder();

/** One `.npy` file (format version 1.0, `<f4`, C order). */
export function encodeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) {
    throw new Error(`npy: shape [${shape.join(', ')}] needs ${size} values, got ${data.length}`);
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // magic (6) + version (2) + header length (2) + header, padded with spaces to 64 bytes, '\n' last.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const headerBytes = encoder.encode(header);
  const out = new Uint8Array(10 + headerBytes.length + data.length * 4);
  out.set([0x93, ...encoder.encode('NUMPY'), 1, 0], 0);
  const view = new DataView(out.buffer);
  view.setUint16(8, headerBytes.length, true);
  out.set(headerBytes, 10);
  const base = 10 + headerBytes.length;
  for (let i = 0; i < data.length; i++) view.setFloat32(base + i * 4, data[i]!, true);
  return out;
}

let crcTable: Uint32Array | undefined;
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** An uncompressed ("stored") zip archive; dates are fixed (1980-01-01) so output is stable. */
export function writeZip(files: readonly { name: string; data: Uint8Array }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  for (const file of files) {
    const name = encoder.encode(file.name);
    const crc = crc32(file.data);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true); // version needed
    lv.setUint16(6, 0x0800, true); // UTF-8 names
    lv.setUint16(8, 0, true); // stored
    lv.setUint16(10, 0, true);
    lv.setUint16(12, DOS_DATE, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, file.data.length, true);
    lv.setUint32(22, file.data.length, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, 0, true);
    local.set(name, 30);
    const entry = new Uint8Array(46 + name.length);
    const cv = new DataView(entry.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true); // version made by
    cv.setUint16(6, 20, true);
    cv.setUint16(8, 0x0800, true);
    cv.setUint16(10, 0, true);
    cv.setUint16(12, 0, true);
    cv.setUint16(14, DOS_DATE, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, file.data.length, true);
    cv.setUint32(24, file.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    entry.set(name, 46);
    central.push(entry);
    parts.push(local, file.data);
    offset += local.length + file.data.length;
    if (offset > 0xffffffff) throw new Error('zip: archives over 4 GiB are not supported');
  }
  const centralSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0));
  let pos = 0;
  for (const c of all) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

/** A `.npz` archive of float32 arrays: `np.load(path)[name]`. */
export function writeNpz(arrays: readonly NpyArray[]): Uint8Array {
  const seen = new Set<string>();
  for (const a of arrays) {
    if (seen.has(a.name)) throw new Error(`npz: duplicate key ${a.name}`);
    seen.add(a.name);
  }
  return writeZip(arrays.map((a) => ({ name: `${a.name}.npy`, data: encodeNpy(a.shape, a.data) })));
}

/** The npz key of one weight array: `<layer name>/<array name>`, e.g. `dense_1/kernel`. */
export function npzKey(layer: string, array: string): string {
  return `${layer}/${array}`;
}

/** `weights.npz` for the generated Python code: every array under `npzKey`, model order. */
export function weightsToNpz(weights: ModelWeights): Uint8Array {
  const arrays: NpyArray[] = [];
  for (const [layer, list] of weights) {
    for (const w of list)
      arrays.push({ name: npzKey(layer, w.name), shape: w.shape, data: w.data });
  }
  return writeNpz(arrays);
}
