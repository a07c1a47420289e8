import { pairParam, paddingParam, requireImage, slideWindow } from './common.ts';
import type { LayerFront } from './types.ts';
import type { SourceReader } from './backends/torch.ts';
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

/**
 * PyTorch source reader of `nn.AdaptiveAvgPool2d(1)` / `nn.AdaptiveMaxPool2d((1, 1))` and
 * `F.adaptive_avg_pool2d(x, 1)`: with an output size of 1 they are exactly a global pooling
 * (`(N, C, H, W)` → `(N, C, 1, 1)`; the flatten that follows is the block's own, `keepsDims`).
 * Any other output size is refused (its windows depend on the input size).
 */
export function adaptiveGlobalSource(module: string, fn: string): SourceReader {
  // torch.nn.AdaptiveAvgPool2d(output_size): pytorch.org/docs/stable/generated/torch.nn.AdaptiveAvgPool2d.html
  return {
    modules: { [module]: ['output_size'] },
    functions: { [fn]: ['output_size'] },
    read: ({ args }) => {
      const size = args.output_size;
      const one =
        size === 1 ||
        (Array.isArray(size) && size.length >= 1 && size.length <= 2 && size.every((v) => v === 1));
      if (!one)
        throw new Error(
          `output size ${Array.isArray(size) ? `(${size.join(', ')})` : JSON.stringify(size)} is not read: only an output of 1 (a global pooling) has a Netwright block`,
        );
      return { params: {}, keepsDims: true };
    },
  };
}
