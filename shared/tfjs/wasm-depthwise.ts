/**
 * The depthwise-convolution gradients for TF.js's wasm backend (tfjs-backend-wasm 4.22).
 *
 * tfjs-backend-wasm registers `DepthwiseConv2dNative` but neither of its gradients, so training a
 * DepthwiseConv2D or SeparableConv2D layer on wasm fails with "Kernel
 * 'DepthwiseConv2dNativeBackpropInput' not registered for backend 'wasm'". Each missing kernel
 * is registered here as TF.js's own cpu kernel run on copies: the inputs are read from the wasm
 * heap, handed to the cpu backend, the cpu kernel runs, and its result is written back to the
 * wasm heap. The values are the cpu backend's (the reference in tests/shared/backends-train) by
 * construction; the cost is the cpu kernel's plain loops plus the copies, small for the
 * depthwise layers a learner builds (`npm run bench` would show when an XNNPACK version pays).
 *
 * - `DepthwiseConv2dNativeBackpropInput`: inputs `dy` `[N, Ho, Wo, C·M]`, `filter`
 *   `[fh, fw, C, M]`; attrs `strides`, `dilations`, `pad`, `dimRoundingMode`, `inputShape`
 *   `[N, H, W, C]`. Returns `dx` `[N, H, W, C]`.
 * - `DepthwiseConv2dNativeBackpropFilter`: inputs `x` `[N, H, W, C]`, `dy` `[N, Ho, Wo, C·M]`;
 *   attrs as above with `filterShape` `[fh, fw, C, M]` instead of `inputShape`. Returns `dW`.
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

const KERNELS = ['DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'];

/**
 * Registers, on wasm, the cpu version of each depthwise gradient kernel that wasm lacks.
 * Idempotent; returns false (and changes nothing) when the wasm backend package is not loaded.
 * A kernel wasm already has (a later TF.js) is left alone.
 */
export function installWasmDepthwiseGrads(tf: Tf): boolean {
  if (!tf.getKernel('DepthwiseConv2dNative', 'wasm')) return false;
  for (const name of KERNELS) {
    if (tf.getKernel(name, 'wasm')) continue;
    const cpuKernel = tf.getKernel(name, 'cpu');
    if (!cpuKernel) continue;
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: (args: KernelArgs) => {
        const wasm = args.backend as unknown as WasmBackend;
        const cpu = tf.findBackend('cpu') as unknown as CpuBackend | null;
        if (!cpu) throw new Error(`${name} on wasm needs TF.js's cpu backend, which is not loaded`);
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
  }
  return true;
}
