/**
 * Which backend to train on, remembered per project and machine class (issue 10): the project's
 * `training.backends` maps a machine class (GPU adapter description + logical cores, see
 * `machineClass`) to the user's choice and, for "auto", the backend the last probe picked, with
 * the batch size and model it was measured for. The probe runs again when either changed.
 */
import type { Graph } from '../../shared/graph/types.ts';
import type { ProbeEntry } from '../../shared/training/probe.ts';
import { BACKENDS, type BackendChoice, type BackendName } from '../../shared/training/protocol.ts';

export interface RememberedBackend {
  choice: BackendChoice;
  /** What the last "auto" probe picked, for `batchSize` and `model`. */
  picked?: BackendName;
  batchSize?: number;
  /** `modelSignature` of the graph the probe measured. */
  model?: string;
  reason?: string;
  probe?: ProbeEntry[];
}

const CHOICES: readonly string[] = ['auto', ...BACKENDS];

/** The remembered entry for `machine` from a project's `training.backends`; malformed → null. */
export function rememberedBackend(training: unknown, machine: string): RememberedBackend | null {
  const all = (training as { backends?: unknown } | null)?.backends;
  if (!all || typeof all !== 'object') return null;
  const entry = (all as Record<string, unknown>)[machine];
  if (!entry || typeof entry !== 'object') return null;
  const e = entry as RememberedBackend;
  if (!CHOICES.includes(e.choice)) return null;
  return {
    choice: e.choice,
    ...(e.picked && (BACKENDS as readonly string[]).includes(e.picked) ? { picked: e.picked } : {}),
    ...(typeof e.batchSize === 'number' ? { batchSize: e.batchSize } : {}),
    ...(typeof e.model === 'string' ? { model: e.model } : {}),
    ...(typeof e.reason === 'string' ? { reason: e.reason } : {}),
    ...(Array.isArray(e.probe) ? { probe: e.probe } : {}),
  };
}

/** `training.backends` with `machine`'s entry replaced. */
export function withRemembered(
  training: unknown,
  machine: string,
  entry: RememberedBackend,
): Record<string, RememberedBackend> {
  const all = (training as { backends?: unknown } | null)?.backends;
  return {
    ...(all && typeof all === 'object' ? (all as Record<string, RememberedBackend>) : {}),
    [machine]: entry,
  };
}

/** A short hash of the layers and their parameters (not positions): "the same model". */
export function modelSignature(graph: Graph): string {
  const text = JSON.stringify([
    graph.nodes.map((n) => [n.id, n.type, n.params]),
    graph.edges.map((e) => [e.source, e.target, e.targetHandle ?? null]),
  ]);
  // FNV-1a, 32 bits.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The backend to ask the worker for: the user's choice, or for "auto" the remembered pick when
 * it was measured for this batch size and model (else "auto", which probes).
 */
export function backendToRequest(
  remembered: RememberedBackend | null,
  batchSize: number,
  model: string,
): BackendChoice {
  const choice = remembered?.choice ?? 'auto';
  if (choice !== 'auto') return choice;
  return remembered?.picked && remembered.batchSize === batchSize && remembered.model === model
    ? remembered.picked
    : 'auto';
}

/**
 * The training rate (samples/s) a remembered probe measured for the backend that will run: the
 * user's choice, or for "auto" the remembered pick; only when the probe measured this batch size
 * and model (else undefined). Lets the cost preview predict time per epoch after reopening.
 */
export function rememberedRate(
  remembered: RememberedBackend | null,
  batchSize: number,
  model: string,
): number | undefined {
  if (!remembered?.probe || remembered.batchSize !== batchSize || remembered.model !== model)
    return undefined;
  const backend = remembered.choice === 'auto' ? remembered.picked : remembered.choice;
  const rate = remembered.probe.find((e) => e.backend === backend)?.samplesPerSecond;
  return typeof rate === 'number' && Number.isFinite(rate) && rate > 0 ? rate : undefined;
}

let machine: Promise<string> | null = null;

/**
 * This machine's class, e.g. `NVIDIA H200 · 16 threads`: the WebGPU adapter's description (or
 * vendor/architecture), else WebGL's unmasked renderer, else "no GPU", and the logical core
 * count. Computed once.
 */
export function machineClass(): Promise<string> {
  machine ??= (async () => {
    const cores = `${navigator.hardwareConcurrency || 1} threads`;
    let gpu = '';
    try {
      type AdapterInfo = { description?: string; vendor?: string; architecture?: string };
      const nav = navigator as unknown as {
        gpu?: { requestAdapter(): Promise<{ info?: AdapterInfo } | null> };
      };
      const adapter = await nav.gpu?.requestAdapter();
      const info = adapter?.info;
      if (info)
        gpu = info.description || [info.vendor, info.architecture].filter(Boolean).join(' ');
    } catch {
      // no WebGPU
    }
    if (!gpu) {
      try {
        const gl = document.createElement('canvas').getContext('webgl');
        const ext = gl?.getExtension('WEBGL_debug_renderer_info');
        if (gl && ext) gpu = String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL));
        gl?.getExtension('WEBGL_lose_context')?.loseContext();
      } catch {
        // no WebGL
      }
    }
    return `${gpu || 'no GPU'} · ${cores}`;
  })();
  return machine;
}
