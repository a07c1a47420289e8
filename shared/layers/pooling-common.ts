import { pairParam, paddingParam, requireImage, slideWindow } from './common.ts';
import type { LayerFront } from './types.ts';
import { NO_PARAMS, ok } from './types.ts';

/** The front half shared by MaxPooling2D and AveragePooling2D (they differ only in the op). */
export function pooling2DFront(type: string, torchName: string, summary: string): LayerFront {
  return {
    type,
    group: 'Convolution',
    kerasName: type,
    torchName,
    summary,
    params: [
      pairParam('pool_size', 'Pool size', [2, 2]),
      { ...pairParam('strides', 'Strides', null, true), help: 'empty: same as pool size' },
      paddingParam,
    ],
    inputs: { min: 1, max: 1 },
    inferShape: ([input], p) => {
      const bad = requireImage(type, input!);
      if (bad) return bad;
      const pool = p.pool_size as number[];
      const strides = (p.strides as number[] | null) ?? pool;
      const slid = slideWindow(type, input!, pool, strides, p.padding as string);
      return slid.ok ? ok([slid.h, slid.w, input![2]!]) : slid.result;
    },
    paramCount: () => NO_PARAMS,
  };
}
