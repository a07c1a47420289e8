import { activationParam, pairParam, paddingParam, requireImage, slideWindow } from './common.ts';
import type { LayerDef } from './types.ts';
import { ok } from './types.ts';

export const Conv2DLayer: LayerDef = {
  type: 'Conv2D',
  group: 'Convolution',
  kerasName: 'Conv2D',
  torchName: 'nn.Conv2d',
  summary: 'Slides small learned filters over an image; each filter makes one output channel.',
  params: [
    { name: 'filters', label: 'Filters', kind: 'int', default: 32, min: 1, max: 65_536 },
    pairParam('kernel_size', 'Kernel size', [3, 3]),
    pairParam('strides', 'Strides', [1, 1]),
    paddingParam,
    activationParam('linear'),
    { name: 'use_bias', label: 'Use bias', kind: 'bool', default: true },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    const bad = requireImage('Conv2D', input!);
    if (bad) return bad;
    const slid = slideWindow(
      'Conv2D',
      input!,
      p.kernel_size as number[],
      p.strides as number[],
      p.padding as string,
    );
    return slid.ok ? ok([slid.h, slid.w, p.filters as number]) : slid.result;
  },
  paramCount: ([input], p) => {
    const [kh, kw] = p.kernel_size as number[];
    const filters = p.filters as number;
    const channels = input![2] ?? 0;
    return {
      trainable: kh! * kw! * channels * filters + (p.use_bias ? filters : 0),
      nonTrainable: 0,
    };
  },
};
