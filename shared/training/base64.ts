/** Base64 of bytes and back, pure (no Buffer/atob), fast enough for tens of megabytes. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 3 * 8192;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    let s = '';
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      s +=
        ALPHABET[n >> 18]! +
        ALPHABET[(n >> 12) & 63]! +
        ALPHABET[(n >> 6) & 63]! +
        ALPHABET[n & 63]!;
    }
    if (i < end) {
      const rest = end - i;
      const n = (bytes[i]! << 16) | (rest > 1 ? bytes[i + 1]! << 8 : 0);
      s +=
        ALPHABET[n >> 18]! +
        ALPHABET[(n >> 12) & 63]! +
        (rest > 1 ? ALPHABET[(n >> 6) & 63]! : '=') +
        '=';
    }
    parts.push(s);
  }
  return parts.join('');
}

/** Decodes base64; throws on a character outside the alphabet or a bad length. */
export function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 4 !== 0) throw new Error('base64 length is not a multiple of 4');
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((clean.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const c = [0, 1, 2, 3].map((k) => {
      const ch = clean.charCodeAt(i + k);
      if (ch === 61 /* = */ && i + 4 >= clean.length && k >= 2) return 0;
      const v = ch < 128 ? LOOKUP[ch]! : -1;
      if (v < 0) throw new Error(`invalid base64 character at ${i + k}`);
      return v;
    });
    const n = (c[0]! << 18) | (c[1]! << 12) | (c[2]! << 6) | c[3]!;
    if (o < out.length) out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
