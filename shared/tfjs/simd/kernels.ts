/**
 * Netwright's WebAssembly SIMD kernels (kernels.wat), instantiated on the memory of TF.js's wasm
 * backend so they read and write TF.js tensors where they lie. Plain JavaScript loops over the
 * wasm heap measured no faster than TF.js's own kernels for these jobs (Adam over the MNIST MLP's
 * 109,386 weights: 1.5 ms in JavaScript, 1.1–1.7 ms as TF.js's ~80 kernels); four float32 lanes
 * per instruction are.
 *
 * `simdKernels(tf)` returns null (callers then use their other path) when the backend is not
 * wasm, its memory cannot be found (tfjs-backend-wasm 4.22 keeps it at `wasm.asm.memory` in its
 * SIMD build and `wasm.wasmMemory` in its threaded build), or the module does not instantiate
 * (an engine without WebAssembly SIMD).
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../build-model.ts';
import { KERNELS_WASM, KERNELS_WASM_SHARED } from './kernels.generated.ts';

/** The exports of kernels.wat; pointers are byte offsets into the backend's memory. */
export interface SimdKernels {
  /**
   * TF.js's Adam update of `n` floats: `m`, `v` in place, the parameter read at `p` and written
   * at `pOut` (which may equal `p`), from the gradient at `g`.
   */
  adam(
    p: number,
    pOut: number,
    m: number,
    v: number,
    g: number,
    n: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    oneMinusAccBeta1: number,
    oneMinusAccBeta2: number,
    epsilon: number,
    negLr: number,
  ): void;
  /** `out[d] = Σ_r x[r·c + d]`, float32, rows in order; `c % 4 = 0`. */
  sum_rows(x: number, out: number, rows: number, c: number): void;
  /** `dst[j·rows + i] = src[i·cols + j]` for 4-byte values; `src` and `dst` do not overlap. */
  transpose2d(src: number, dst: number, rows: number, cols: number): void;
  /** One output row of a max-pool gradient with windows apart (see kernels.wat); `c % 4 = 0`. */
  max_pool_grad_row(
    x: number,
    dy: number,
    dx: number,
    w: number,
    c: number,
    ow: number,
    sw: number,
    fw: number,
    pl: number,
    rMin: number,
    rMax: number,
  ): void;
}

/**
 * The internals of tfjs-backend-wasm 4.22's `BackendWasm` that Netwright's wasm kernels use (this
 * module, wasm-pool.ts, wasm-reduce.ts, wasm-transpose.ts, fused-optimizers.ts): the emscripten
 * module (for its memory), each buffer's byte offset and reference count, a new output buffer,
 * a float32 view of a buffer, and a shared reference.
 */
export interface WasmBackendInternals {
  wasm?: { asm?: { memory?: unknown }; wasmMemory?: unknown };
  dataIdMap: {
    get(id: object): { memoryOffset: number; refCount: number; dtype: string } | undefined;
  };
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  incRef(dataId: object): void;
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels | null>();

function bytes(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const out = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** The kernels on the current wasm backend's memory, or null (see the file comment). */
export function simdKernels(tf: Tf): SimdKernels | null {
  if (tf.getBackend() !== 'wasm') return null;
  const b = tf.backend() as unknown as WasmBackendInternals;
  const memory = b.wasm?.asm?.memory ?? b.wasm?.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  let k = instances.get(memory);
  if (k === undefined) {
    try {
      const shared =
        typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const module = new WebAssembly.Module(bytes(shared ? KERNELS_WASM_SHARED : KERNELS_WASM));
      k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
    } catch {
      k = null;
    }
    instances.set(memory, k);
  }
  return k;
}

/** Byte offset of a tensor's buffer on the wasm backend, or null when it is not of `dtype`. */
export function wasmPointer(tf: Tf, dataId: object, dtype = 'float32'): number | null {
  const d = (tf.backend() as unknown as WasmBackendInternals).dataIdMap.get(dataId);
  return d && d.dtype === dtype ? d.memoryOffset : null;
}
