import { pairParam, paddingParam, requireImage, slideWindow } from './common.ts';
import type { LayerDef } from './types.ts';
import { NO_PARAMS, ok } from './types.ts';

function poolingLayer(type: string, torchName: string, summary: string): LayerDef {
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

export const MaxPooling2DLayer = poolingLayer(
  'MaxPooling2D',
  'nn.MaxPool2d',
  'Keeps the largest value in each window, shrinking the feature map.',
);

export const AveragePooling2DLayer = poolingLayer(
  'AveragePooling2D',
  'nn.AvgPool2d',
  'Averages each window, shrinking the feature map.',
);

export const GlobalAveragePooling2DLayer: LayerDef = {
  type: 'GlobalAveragePooling2D',
  group: 'Convolution',
  kerasName: 'GlobalAveragePooling2D',
  torchName: 'nn.AdaptiveAvgPool2d',
  summary: 'Averages each channel over the whole image: (H, W, C) → (C).',
  params: [],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => requireImage('GlobalAveragePooling2D', input!) ?? ok([input![2]!]),
  paramCount: () => NO_PARAMS,
};
