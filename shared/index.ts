/** The pure core's public surface. */
export * from './diagnostics.ts';
export * from './graph/analyze.ts';
export * from './graph/project.ts';
export * from './graph/legacy-params.ts';
export * from './graph/types.ts';
export * from './ir/lower.ts';
export * from './ir/names.ts';
export * from './layers/activations.ts';
export * from './layers/params.ts';
export * from './layers/registry.ts';
export * from './layers/types.ts';
export * from './shape.ts';
export * from './summary.ts';
export * from './templates/index.ts';
