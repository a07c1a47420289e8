import { useEffect, useRef } from 'react';
import { divergingColor, sequentialColor } from './helpers.ts';

/**
 * A small image drawn pixel by pixel: `values` (row-major `height × width`) coloured by `map`
 * (`gray`: 0..1 black → white; `seq`: 0..1 viridis-like; `div`: −1..1 blue → white → red),
 * scaled up with crisp pixels.
 */
export function Pixels({
  values,
  width,
  height,
  map,
  size,
  title,
  testId,
}: {
  values: ArrayLike<number>;
  width: number;
  height: number;
  map: 'gray' | 'seq' | 'div';
  /** CSS width in pixels (height follows the aspect ratio). */
  size: number;
  title?: string;
  testId?: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      const v = values[i] ?? 0;
      const [r, g, b] =
        map === 'gray'
          ? ([v, v, v].map((x) => Math.round(Math.max(0, Math.min(1, x)) * 255)) as [
              number,
              number,
              number,
            ])
          : map === 'seq'
            ? sequentialColor(v)
            : divergingColor(v);
      img.data[4 * i] = r;
      img.data[4 * i + 1] = g;
      img.data[4 * i + 2] = b;
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [values, width, height, map]);
  return (
    <canvas
      ref={ref}
      className="pixels"
      width={width}
      height={height}
      style={{ width: size, height: (size * height) / width }}
      title={title}
      data-testid={testId}
    />
  );
}
