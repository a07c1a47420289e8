/**
 * TF.js webgpu flags the app sets when it starts the webgpu backend.
 *
 * Measured on an NVIDIA H200 with the app's loop (../gpu-bench/MEASURED.md, 2026-11-30): the MNIST
 * MLP's batch-64 step was 45 ms with TF.js's defaults, almost all of it CPU time issuing
 * dispatches; `WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64` (one queue submit per 64 dispatches instead
 * of 15) with `WEBGPU_CPU_FORWARD=false` (small ops stay on the GPU instead of reading their inputs
 * back to run on the CPU) took it to 20 ms; a batch size of 256 was worse (32 ms). With the fused
 * optimizer a step of that model is ~58 dispatches, so 64 is about one submit per step
 * (bench/README.md, "WebGPU dispatches per step").
 */
import type { Tf } from './build-model.ts';

export const WEBGPU_FLAGS = {
  WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE: 64,
  WEBGPU_CPU_FORWARD: false,
} as const;

/** Sets `WEBGPU_FLAGS` in TF.js's environment; call once tfjs-backend-webgpu is imported. */
export function setWebGpuFlags(tf: Tf): void {
  for (const [name, value] of Object.entries(WEBGPU_FLAGS)) tf.env().set(name, value);
}
