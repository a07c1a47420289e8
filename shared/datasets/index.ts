/** Data sets: pure parsers and generators (no file reading; see cli/datasets.ts, renderer/training). */
export * from './csv-choices.ts';
export * from './csv.ts';
export * from './fit.ts';
export * from './mnist.ts';
export * from './random.ts';
export * from './synthetic.ts';
export * from './tabular.ts';
export * from './tokenizer.ts';
export * from './types.ts';
export * from './vega.ts';
export * from './window.ts';
