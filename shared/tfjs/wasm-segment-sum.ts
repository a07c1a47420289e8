/**
 * `UnsortedSegmentSum` for TF.js's wasm backend (tfjs-backend-wasm 4.22), the gradient of
 * `Gather`: an Embedding's backward pass adds each output row's gradient into the table row its id
 * picked. tfjs-backend-wasm registers `GatherV2` but not this kernel, so training an Embedding on
 * wasm fails with "Kernel 'UnsortedSegmentSum' not registered for backend 'wasm'".
 *
 * Registered here as TF.js's own cpu kernel run on copies: the inputs are read from the wasm heap,
 * the cpu kernel runs on the cpu backend, and its result is written back to the wasm heap. The
 * values are the cpu backend's (the reference in tests/shared/backends-train) by construction.
 *
 * Inputs `x` `[n, …]` and `segmentIds` `[n]` (int32); attr `numSegments`. Returns
 * `[numSegments, …]`: row `s` is the sum of the rows of `x` whose id is `s`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './build-model.ts';

type KernelArgs = Parameters<tfjs.KernelFunc>[0];
type Info = tfjs.TensorInfo;

/** What this file uses of the cpu backend (tfjs-backend-cpu `MathBackendCPU`). */
interface CpuBackend {
  readSync(dataId: object): tfjs.backend_util.BackendValues;
  makeTensorInfo(
    shape: number[],
    dtype: tfjs.DataType,
    values: tfjs.backend_util.BackendValues,
  ): Info;
  disposeData(dataId: object): unknown;
}

/** What this file uses of the wasm backend (tfjs-backend-wasm `BackendWasm`). */
interface WasmBackend {
  readSync(dataId: object): tfjs.backend_util.BackendValues;
  makeOutput(
    shape: number[],
    dtype: tfjs.DataType,
    memoryOffset?: number,
    values?: tfjs.backend_util.BackendValues,
  ): Info;
}

const KERNEL = 'UnsortedSegmentSum';

/**
 * Registers the cpu `UnsortedSegmentSum` on wasm when wasm lacks it. Idempotent; returns false
 * (and changes nothing) when the wasm backend package is not loaded.
 */
export function installWasmSegmentSum(tf: Tf): boolean {
  if (!tf.getKernel('GatherV2', 'wasm')) return false;
  if (tf.getKernel(KERNEL, 'wasm')) return true;
  const cpuKernel = tf.getKernel(KERNEL, 'cpu');
  if (!cpuKernel) return false;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'wasm',
    kernelFunc: (args: KernelArgs) => {
      const wasm = args.backend as unknown as WasmBackend;
      const cpu = tf.findBackend('cpu') as unknown as CpuBackend | null;
      if (!cpu) throw new Error(`${KERNEL} on wasm needs TF.js's cpu backend, which is not loaded`);
      const copies: Info[] = [];
      try {
        const inputs: Record<string, Info> = {};
        for (const [key, t] of Object.entries(args.inputs as Record<string, Info>)) {
          const copy = cpu.makeTensorInfo([...t.shape], t.dtype, wasm.readSync(t.dataId));
          copies.push(copy);
          inputs[key] = copy;
        }
        const out = cpuKernel.kernelFunc({
          inputs,
          backend: cpu as unknown as KernelArgs['backend'],
          attrs: args.attrs ?? {},
        }) as Info;
        copies.push(out);
        return wasm.makeOutput([...out.shape], out.dtype, undefined, cpu.readSync(out.dataId));
      } finally {
        for (const t of copies) cpu.disposeData(t.dataId);
      }
    },
  });
  return true;
}
