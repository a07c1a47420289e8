/**
 * What Netwright's WebGPU kernels share: the part of tfjs-backend-webgpu's `WebGPUBackend` they
 * call, the program object it runs (`WebGPUProgram`: TF.js generates the WGSL prelude, the
 * input/output bindings named by `variableNames` and `result`, and the uniforms), and the
 * one-thread-per-output-element program most of them are.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';

/** A uniform value passed to `runWebGPUProgram`, in the order the program's `uniforms` names. */
export type Uniform = { type: 'int32' | 'float32'; data: number[] };

/** tfjs-backend-webgpu's `WebGPUProgram`, as far as these kernels fill it in. */
export interface WebGpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms?: string;
  size?: boolean;
  getUserCode: () => string;
}

/** The part of tfjs-backend-webgpu's `WebGPUBackend` used by Netwright's kernels. */
export interface WebGpuBackendLike {
  runWebGPUProgram(
    program: WebGpuProgram,
    inputs: tfjs.TensorInfo[],
    dtype: tfjs.DataType,
    uniforms?: Uniform[],
  ): tfjs.TensorInfo;
  disposeData(dataId: object): unknown;
}

/**
 * True when kernel `name` (one of Netwright's own, registered for webgpu only) is registered and
 * webgpu is the current backend: callers then run it, else they compose TF.js ops.
 */
export function hasWebGpuKernel(tf: Tf, name: string): boolean {
  return tf.getBackend() === 'webgpu' && tf.getKernel(name, 'webgpu') !== undefined;
}

/** Threads per workgroup of `elementwiseProgram`. */
const WORKGROUP = 64;

/**
 * A program with one thread per element of `outputShape` (row-major, flat), 64 threads per
 * workgroup: `body` (WGSL statements) runs with `index : i32`, the flat output index, for
 * `index < uniforms.size`, and writes `result[index]`. `uniforms` declares the program's own
 * uniforms (e.g. `'classes : i32,'`); `helpers` is WGSL placed before `main` (functions). TF.js
 * folds a dispatch of more than 65,535 workgroups into two dimensions and still passes the
 * flat index.
 */
export function elementwiseProgram(
  shaderKey: string,
  variableNames: string[],
  outputShape: number[],
  body: string,
  uniforms = '',
  helpers = '',
): WebGpuProgram {
  const size = outputShape.reduce((a, b) => a * b, 1);
  return {
    variableNames,
    outputShape,
    shaderKey,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.max(1, Math.ceil(size / WORKGROUP)), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    ...(uniforms ? { uniforms } : {}),
    getUserCode: () => `
      ${helpers}
      ${'fn main(index : i32)'} {
        if (index < uniforms.size) {
          ${body}
        }
      }
    `,
  };
}
