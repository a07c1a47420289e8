/**
 * Bytes of a text file → string, the same way in the CLI and the app. UTF-8 (a leading byte-order
 * mark is dropped) and UTF-16 LE/BE with a byte-order mark (as Windows Notepad saves) are read;
 * anything else is refused with a message that names the encoding problem.
 */
export type DecodedText =
  { ok: true; text: string; encoding: string } | { ok: false; error: string };

/**
 * Decodes `bytes` (a whole file) as text. Errors: `error` says the file is not UTF-8 or UTF-16 text,
 * or that it holds NUL bytes (a binary file or UTF-16 without a byte-order mark).
 * Source of the BOM bytes: Unicode Standard §23.8 (U+FEFF as EF BB BF, FF FE, FE FF).
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    const encoding = b0 === 0xff ? 'utf-16le' : 'utf-16be';
    if (bytes.length % 2 !== 0)
      return { ok: false, error: `it looks like UTF-16 text but has an odd number of bytes` };
    try {
      const text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
      return { ok: true, text, encoding: encoding.toUpperCase().replace('UTF-16', 'UTF-16 ') };
    } catch {
      return { ok: false, error: `it starts like UTF-16 text but is not valid UTF-16` };
    }
  }
  const nulError = {
    ok: false,
    error:
      'it holds NUL bytes: a binary file, or UTF-16 text without a byte-order mark (save it as UTF-8)',
  } as const;
  // UTF-16 without a BOM: ASCII characters leave every other byte 0.
  let zeros = 0;
  for (let i = 0; i < Math.min(bytes.length, 4096); i++) if (bytes[i] === 0) zeros++;
  if (zeros > 0 && zeros >= Math.min(bytes.length, 4096) / 4) return nulError;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, error: 'it is not a text file (not UTF-8 or UTF-16 text)' };
  }
  if (text.includes('\u0000')) return nulError;
  return { ok: true, text, encoding: 'UTF-8' };
}
