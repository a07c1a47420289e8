/**
 * The one place where Netwright's own TF.js kernels are registered.
 *
 * TF.js stays the engine; where one of its kernels is slow or missing on a backend we register our
 * own through TF.js's kernel registry (`tf.registerKernel`). Every entry point that starts a
 * backend (the training worker, the CLI, the benchmarks, the tests) calls `installCustomKernels`
 * once after importing the backend packages it uses; installers are idempotent and skip backends
 * whose package was not imported.
 */
import type { Tf } from './build-model.ts';
import { installCpuConvFilterGrad } from './cpu-conv.ts';
import { installCpuResizeNearestGrad } from './cpu-resize.ts';
import { installFusedConvGradient } from './fused-conv.ts';
import { installFusedDenseGradient } from './fused-dense.ts';
import { installWasmConvKernels } from './wasm-conv.ts';
import { installWasmDepthwiseGrads } from './wasm-depthwise.ts';
import { installFastWasmMatMul } from './wasm-matmul.ts';
import { installWasmMaxPoolGrad } from './wasm-pool.ts';
import { installWasmReduceKernels } from './wasm-reduce.ts';
import { installWasmTranspose } from './wasm-transpose.ts';
import { installWebGpuConvFilter } from './webgpu-conv-filter.ts';
import { installWebGpuMaxPoolGrad } from './webgpu-pool.ts';
import { installWebGpuSumLeading } from './webgpu-reduce.ts';
import { installWebGpuSoftmaxCrossEntropy } from './webgpu-softmax-ce.ts';
import { installWebGpuStepKernels } from './webgpu-step-kernels.ts';
import { installSegmentSum } from './segment-sum.ts';

/**
 * Registers every custom kernel for the backends whose packages are loaded. Safe to call more
 * than once. Throws nothing: an installer that cannot find the kernel it wraps leaves TF.js's own.
 */
export function installCustomKernels(tf: Tf): void {
  installWasmTranspose(tf); // before the matmul wrapper, which transposes through it
  installFastWasmMatMul(tf);
  installWasmConvKernels(tf);
  installWasmDepthwiseGrads(tf);
  installWasmMaxPoolGrad(tf);
  installWasmReduceKernels(tf);
  installCpuResizeNearestGrad(tf);
  installCpuConvFilterGrad(tf);
  installWebGpuConvFilter(tf);
  installWebGpuSoftmaxCrossEntropy(tf);
  installWebGpuSumLeading(tf);
  installWebGpuMaxPoolGrad(tf);
  installWebGpuStepKernels(tf);
  installSegmentSum(tf);
  // The gradient of `_FusedMatMul` for Dense layers fused in training (all backends).
  installFusedDenseGradient(tf);
  installFusedConvGradient(tf);
}
