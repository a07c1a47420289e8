/**
 * TF.js's WebGPU backend in Node, on Dawn (npm `webgpu`, dawn.node) — on a machine without a GPU
 * over Mesa's lavapipe software Vulkan driver. Software speed proves a code path, never a speed.
 *
 * `startWebGpu(tf)` sets Dawn's WebGPU globals and `navigator.gpu`, imports
 * `@tensorflow/tfjs-backend-webgpu` (it registers itself only when `navigator.gpu` exists at
 * import time), installs Netwright's custom kernels and starts the backend. Without an adapter it
 * returns `{ ok: false, reason }` so that a test file can skip with a visible reason
 * (`webgpuIt`/`webgpuDescribe` below); under `CI=true` a missing adapter throws instead, because
 * CI installs lavapipe and a silent skip there would hide a broken setup.
 *
 * The backend stays registered but not current: callers `tf.setBackend('webgpu')` when they need
 * it. `stopWebGpu(tf)` removes the backend and destroys its device so the worker exits promptly.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { installCustomKernels } from '../../shared/tfjs/custom-kernels.ts';

type Tf = typeof tfjs;
export type WebGpuStart = { ok: true; adapter: string } | { ok: false; reason: string };

let started: Promise<WebGpuStart> | null = null;

async function start(tf: Tf): Promise<WebGpuStart> {
  let dawn: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
  try {
    dawn = (await import('webgpu')) as unknown as typeof dawn;
  } catch (e) {
    return { ok: false, reason: `npm package webgpu (Dawn) did not load: ${String(e)}` };
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  // Node 22 has a `navigator` of its own: add `gpu` to it.
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { ok: false, reason: `requestAdapter failed: ${String(e)}` };
  }
  if (!adapter)
    return {
      ok: false,
      reason: 'no WebGPU adapter (Dawn found no Vulkan driver: install mesa-vulkan-drivers)',
    };
  const info = adapter.info as unknown as Record<string, string>;
  await import('@tensorflow/tfjs-backend-webgpu');
  installCustomKernels(tf);
  const previous = tf.getBackend();
  if (!(await tf.setBackend('webgpu')))
    return { ok: false, reason: 'tf.setBackend("webgpu") returned false' };
  await tf.ready();
  const probe = tf.add(tf.scalar(1), tf.scalar(1));
  const two = (await probe.data())[0];
  probe.dispose();
  if (previous) await tf.setBackend(previous);
  if (two !== 2) return { ok: false, reason: `webgpu probe 1 + 1 gave ${two}` };
  return {
    ok: true,
    adapter: [info.vendor, info.architecture, info.device, info.description]
      .filter(Boolean)
      .join(' '),
  };
}

/**
 * Starts (once per worker) TF.js's webgpu backend on Dawn. Resolves `{ ok: false, reason }` when
 * there is no adapter, unless `process.env.CI === 'true'`, where it throws `Error(reason)`.
 */
export async function startWebGpu(tf: Tf): Promise<WebGpuStart> {
  started ??= start(tf);
  const s = await started;
  if (!s.ok && process.env.CI === 'true')
    throw new Error(`WebGPU required under CI=true but unavailable: ${s.reason}`);
  return s;
}

/** Removes the webgpu backend (destroying its GPUDevice) so Dawn lets the process exit. */
export function stopWebGpu(tf: Tf): void {
  if (!tf.findBackend('webgpu')) return;
  const device = (tf.findBackend('webgpu') as unknown as { device?: GPUDevice }).device;
  if (tf.getBackend() === 'webgpu') void tf.setBackend('cpu');
  tf.removeBackend('webgpu');
  device?.destroy();
  started = null;
}

/**
 * `describe` when WebGPU started, else a skipped `describe` whose title says why (and the reason
 * on stderr, since the default reporter folds a skipped file into one line).
 */
export function webgpuDescribe(s: WebGpuStart, title: string, body: () => void): void {
  if (s.ok) describe(title, body);
  else {
    console.warn(`WebGPU tests skipped (${title}): ${s.reason}`);
    describe.skip(`${title} — skipped: ${s.reason}`, () => it('needs WebGPU', () => {}));
  }
}

/**
 * Runs `fn` and returns how many compute dispatches were recorded meanwhile (Dawn's
 * `GPUComputePassEncoder.prototype.dispatchWorkgroups`, counted as TF.js records them).
 */
export async function countDispatches<T>(
  fn: () => T | Promise<T>,
): Promise<{ result: T; dispatches: number }> {
  const proto = (
    globalThis as unknown as { GPUComputePassEncoder: { prototype: GPUComputePassEncoder } }
  ).GPUComputePassEncoder.prototype;
  const original = proto.dispatchWorkgroups;
  let dispatches = 0;
  proto.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...args) {
    dispatches++;
    return original.apply(this, args);
  };
  try {
    const result = await fn();
    return { result, dispatches };
  } finally {
    proto.dispatchWorkgroups = original;
  }
}
