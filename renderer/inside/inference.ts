/**
 * The "Try it" / "Inside" panels' models on the UI thread: a TF.js model built from the graph with
 * the project's trained weights (or fresh seeded ones, "untrained"), and the same weights
 * exported to ONNX and run by onnxruntime-web (WebGPU when the browser has an adapter, else
 * WASM). Both are rebuilt, debounced, when the graph, the weights or the seed change. Loaded
 * lazily: TF.js and onnxruntime are imported when a panel first asks.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type * as tfjs from '@tensorflow/tfjs';
import type * as Ort from 'onnxruntime-web';
import ortWasm from '../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm?url';
import { lowerGraph, type ModelIR } from '../../shared/ir/lower.ts';
import { weightsFromSection } from '../../shared/export/project-weights.ts';
import { readModelWeights, setModelWeights } from '../../shared/export/weights.ts';
import { exportOnnx } from '../../shared/onnx/export.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { editorStore, type EditorState } from '../store/index.ts';

type Tf = typeof tfjs;

export interface OnnxState {
  status: 'idle' | 'exporting' | 'ready' | 'error';
  /** `webgpu` or `wasm`: the execution provider the session runs on. */
  provider: string | null;
  bytes: number;
  error: string | null;
}

export interface InferenceState {
  status: 'idle' | 'building' | 'ready' | 'error';
  /** Problems that keep the model from being built (graph errors, unsupported input). */
  error: string | null;
  ir: ModelIR | null;
  /** True when the project's trained weights are loaded; false: fresh seeded weights. */
  trained: boolean;
  /** Why saved weights were not used, when there are some that do not fit. */
  weightsNote: string | null;
  /** Increases with every rebuilt model (predictions keyed on it are recomputed). */
  version: number;
  onnx: OnnxState;
}

const initialOnnx: OnnxState = { status: 'idle', provider: null, bytes: 0, error: null };
let state: InferenceState = {
  status: 'idle',
  error: null,
  ir: null,
  trained: false,
  weightsNote: null,
  version: 0,
  onnx: initialOnnx,
};
const listeners = new Set<() => void>();
const set = (patch: Partial<InferenceState>) => {
  state = { ...state, ...patch };
  for (const l of listeners) l();
};

let tfPromise: Promise<Tf> | null = null;
let ortPromise: Promise<typeof Ort> | null = null;
let model: tfjs.LayersModel | null = null;
let session: Ort.InferenceSession | null = null;
let users = 0;
let unsubscribe: (() => void) | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let lastKey: unknown[] = [];
let generation = 0;

/** Milliseconds between the last change and the rebuild / re-export. */
const DEBOUNCE_MS = 300;

/** TF.js on the UI thread, on the plain CPU backend: one example at a time, exact float32. */
export function loadTf(): Promise<Tf> {
  tfPromise ??= import('@tensorflow/tfjs').then(async (tf) => {
    await tf.setBackend('cpu');
    await tf.ready();
    return tf;
  });
  return tfPromise;
}

function loadOrt(): Promise<typeof Ort> {
  ortPromise ??= import('onnxruntime-web/webgpu').then((ort) => {
    // Served by Vite from node_modules (never a CDN); one thread: one example at a time.
    ort.env.wasm.wasmPaths = { wasm: new URL(ortWasm, self.location.href).href };
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    return ort as unknown as typeof Ort;
  });
  return ortPromise;
}

/** Whether WebGPU is usable here (an adapter, not only `navigator.gpu`). */
async function hasWebGpu(): Promise<boolean> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

const keyOf = (s: EditorState) => [s.project.graph, s.project.weights, s.project.training.seed];

async function rebuild() {
  const my = ++generation;
  const s = editorStore.getState();
  const lowered = lowerGraph(s.project.graph);
  if (!lowered.ok) {
    set({
      status: 'error',
      error: 'Fix the problems in the graph first.',
      ir: null,
      onnx: initialOnnx,
    });
    return;
  }
  const ir = lowered.ir;
  set({ status: 'building', error: null });
  try {
    const tf = await loadTf();
    if (my !== generation) return;
    const next = buildModel(tf, ir, { seed: s.project.training.seed });
    let trained = false;
    let weightsNote: string | null = null;
    if (s.project.weights) {
      const w = weightsFromSection(s.project.weights, ir);
      if (w.ok) {
        setModelWeights(tf, next, ir, w.weights);
        trained = true;
      } else weightsNote = `The project's saved weights do not fit this graph (${w.problems[0]})`;
    }
    model?.dispose();
    model = next;
    set({ status: 'ready', ir, trained, weightsNote, version: state.version + 1 });
    await exportToOnnx(my, ir, next);
  } catch (e) {
    if (my !== generation) return;
    set({ status: 'error', error: e instanceof Error ? e.message : String(e) });
  }
}

async function exportToOnnx(my: number, ir: ModelIR, m: tfjs.LayersModel) {
  set({ onnx: { ...state.onnx, status: 'exporting', error: null } });
  try {
    const bytes = exportOnnx(ir, await readModelWeights(m, ir));
    const ort = await loadOrt();
    if (my !== generation) return;
    let provider = 'wasm';
    let next: Ort.InferenceSession | null = null;
    if (await hasWebGpu()) {
      try {
        next = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] });
        provider = 'webgpu';
      } catch {
        next = null;
      }
    }
    next ??= await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    if (my !== generation) {
      void next.release();
      return;
    }
    const old = session;
    session = next;
    void old?.release();
    set({
      onnx: { status: 'ready', provider, bytes: bytes.length, error: null },
      version: state.version + 1,
    });
  } catch (e) {
    if (my !== generation) return;
    session = null;
    set({
      onnx: {
        status: 'error',
        provider: null,
        bytes: 0,
        error: e instanceof Error ? e.message : String(e),
      },
    });
  }
}

function schedule() {
  if (timer !== null) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    void rebuild();
  }, DEBOUNCE_MS);
}

function acquire() {
  users++;
  if (unsubscribe) return;
  lastKey = keyOf(editorStore.getState());
  unsubscribe = editorStore.subscribe((s) => {
    const key = keyOf(s);
    if (key.every((k, i) => k === lastKey[i])) return;
    lastKey = key;
    schedule();
  });
  if (state.status === 'idle' || state.status === 'error' || !model) void rebuild();
  else if (lastKey.some((k, i) => k !== builtKey[i])) schedule();
}

let builtKey: unknown[] = [];
function release() {
  users--;
  if (users > 0 || !unsubscribe) return;
  // Keep the model (switching tabs is cheap); stop following edits until a panel asks again.
  builtKey = lastKey;
  unsubscribe();
  unsubscribe = null;
}

/** The panels' hook: keeps the models up to date while mounted and returns their state. */
export function useInference(): InferenceState {
  useEffect(() => {
    acquire();
    return release;
  }, []);
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}

/** Both models' outputs for one example (shape = the Input's), or null while not ready. */
export interface Prediction {
  tfjs: Float32Array;
  onnx: Float32Array | null;
  onnxError: string | null;
}

export async function predictTf(example: Float32Array): Promise<Float32Array | null> {
  const ir = state.ir;
  if (!model || !ir) return null;
  const tf = await loadTf();
  const shape = ir.ops[0]!.params.shape as number[];
  const out = tf.tidy(() => model!.predict(tf.tensor(example, [1, ...shape])) as tfjs.Tensor);
  try {
    return Float32Array.from((await out.data()) as Float32Array);
  } finally {
    out.dispose();
  }
}

export async function predictOnnx(example: Float32Array): Promise<Float32Array | null> {
  const ir = state.ir;
  if (!session || !ir) return null;
  const ort = await loadOrt();
  const shape = ir.ops[0]!.params.shape as number[];
  const input = new ort.Tensor('float32', Float32Array.from(example), [1, ...shape]);
  const result = await session.run({ [session.inputNames[0]!]: input });
  const out = result[session.outputNames[0]!]!;
  return Float32Array.from((await out.getData()) as Float32Array);
}

/** The UI-thread model and its IR (for stepThrough), when built. */
export function currentModel(): { model: tfjs.LayersModel; ir: ModelIR } | null {
  return model && state.ir ? { model, ir: state.ir } : null;
}
