/**
 * WebGPU in Node for the GPU benchmark: Dawn's `dawn.node` (npm `webgpu`) as `navigator.gpu`.
 * No TF.js import here: tfjs-backend-webgpu registers itself only if `navigator.gpu` exists when
 * it is imported, so `installDawn` must run before anything imports it.
 */

interface Dawn {
  create: (flags: string[]) => GPU;
  globals: Record<string, unknown>;
}

/** What the report records about the adapter. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software rasteriser (lavapipe/llvmpipe, SwiftShader) or Dawn's fallback adapter. */
  software: boolean;
  /** For the table's row label: the device name, else the description, else the vendor. */
  name: string;
}

/** Dawn's flags: `BENCH_GPU_DAWN_FLAGS` (`;`-separated); default the Vulkan backend on Linux. */
export function dawnFlags(): string[] {
  const raw = process.env.BENCH_GPU_DAWN_FLAGS;
  if (raw !== undefined) return raw.split(';').filter(Boolean);
  return process.platform === 'linux' ? ['backend=vulkan'] : [];
}

function summarize(adapter: GPUAdapter): AdapterSummary {
  // GPUAdapterInfo's attributes are prototype getters: read them one by one.
  const info = adapter.info;
  const fallback = (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const text = `${info.vendor} ${info.device} ${info.description}`;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software: fallback === true || /llvmpipe|lavapipe|swiftshader/i.test(text),
    // Dawn's `device` is the Vulkan device name, lower-cased and hyphenated ("nvidia-h200");
    // `description` is the driver's ("NVIDIA: 550.54"), so the label uses the device.
    name: info.device.replace(/-+/g, ' ').trim() || info.description || info.vendor || 'unknown',
  };
}

/**
 * Loads dawn.node, asks for a high-performance adapter and makes Dawn's GPU `navigator.gpu`
 * (Node 22 has a `navigator` of its own) with Dawn's WebGPU classes as globals.
 * Throws when dawn.node does not load or no adapter is found (no Vulkan driver).
 */
export async function installDawn(): Promise<AdapterSummary> {
  const dawn = (await import('webgpu')) as unknown as Dawn;
  const gpu = dawn.create(dawnFlags());
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter)
    throw new Error(
      `Dawn found no WebGPU adapter (flags ${JSON.stringify(dawnFlags())}): no usable Vulkan driver`,
    );
  Object.assign(globalThis, dawn.globals);
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  return summarize(adapter);
}
