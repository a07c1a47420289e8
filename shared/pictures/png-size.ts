/**
 * The pixel size of a PNG drawn from an SVG picture, or why it cannot be drawn. A project whose
 * blocks lie very far apart (positions up to ±1e308 pass the schema) makes a picture of
 * astronomically many pixels; browsers hang or fail silently on such canvases, so the size is
 * checked first and refused with a message.
 */

/** Longest side of a PNG picture, pixels (below Chromium's 32,767 canvas limit). */
export const MAX_PNG_SIDE = 16_384;
/** Most pixels in one PNG picture: 64 M (256 MiB of RGBA), below Chromium's 268 M canvas area. */
export const MAX_PNG_PIXELS = 64 * 1024 * 1024;

export type PngSize = { ok: true; width: number; height: number } | { ok: false; error: string };

/**
 * Width and height in pixels of `svg` (its root `width`/`height` attributes, CSS pixels) drawn at
 * `scale` × (≥ 1 each), or an error when either is missing or not finite, a side exceeds
 * {@link MAX_PNG_SIDE} or the area exceeds {@link MAX_PNG_PIXELS}.
 */
export function pngSizeForSvg(svg: string, scale: number): PngSize {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const attr = (name: string) => Number(new RegExp(`\\s${name}="([^"]*)"`).exec(root)?.[1]);
  const width = Math.round(attr('width') * scale);
  const height = Math.round(attr('height') * scale);
  const far = 'the blocks lie too far apart: move them together (Arrange) or export SVG instead';
  if (!Number.isFinite(width) || !Number.isFinite(height))
    return { ok: false, error: `The picture has no finite size; ${far}` };
  const fmt = (n: number) => (n < 1e9 ? n.toLocaleString('en-US') : n.toExponential(1));
  if (width > MAX_PNG_SIDE || height > MAX_PNG_SIDE || width * height > MAX_PNG_PIXELS)
    return {
      ok: false,
      error: `The picture would be ${fmt(width)} × ${fmt(height)} pixels; a PNG is limited to ${fmt(MAX_PNG_SIDE)} pixels a side and ${fmt(MAX_PNG_PIXELS)} pixels in all: ${far}`,
    };
  return { ok: true, width: Math.max(1, width), height: Math.max(1, height) };
}
