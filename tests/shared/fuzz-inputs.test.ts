/**
 * A small seeded fuzzer (issue 14): valid projects, TF.js model files and ONNX models, mutated
 * (bytes flipped, cut short, values swapped for null / strings / negative or huge numbers / deep
 * nesting, keys dropped), must always come back as a result, never a throw; a refusal carries a
 * message, an accepted project serialises again. Bounded: a few hundred cases per kind, seeded.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../shared/datasets/random.ts';
import { expectedWeights, type ModelWeights } from '../../shared/export/weights.ts';
import { parseProject, serializeProject } from '../../shared/graph/project.ts';
import { importKerasJson } from '../../shared/import/keras.ts';
import { importOnnx } from '../../shared/import/onnx.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { exportOnnx } from '../../shared/onnx/export.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { jsonErrorOffset } from '../../shared/text/json-place.ts';

type Random = () => number;
const pick = <T>(r: Random, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

/** Hostile replacement values. */
function hostileValue(r: Random): unknown {
  return pick(r, [
    null,
    'x',
    '',
    -1,
    -1e308,
    1e308,
    0,
    2 ** 53,
    [],
    {},
    [null],
    { paths: null },
    true,
    '__proto__',
    JSON.parse('{"__proto__": {"polluted": 1}}'),
    (() => {
      let v: unknown = 1;
      for (let i = 0; i < 200; i++) v = [v];
      return v;
    })(),
  ]);
}

/** Every (container, key) in a JSON value, iteratively. */
function slots(doc: unknown): [Record<string, unknown> | unknown[], string | number][] {
  const out: [Record<string, unknown> | unknown[], string | number][] = [];
  const stack = [doc];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push([v, i]);
        stack.push(x);
      });
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        out.push([v as Record<string, unknown>, k]);
        stack.push(x);
      }
    }
  }
  return out;
}

/** One to three structural mutations of a JSON document (in place on a copy). */
function mutateDoc<T>(doc: T, r: Random): T {
  const copy = structuredClone(doc);
  const count = 1 + Math.floor(r() * 3);
  for (let m = 0; m < count; m++) {
    const all = slots(copy);
    if (all.length === 0) break;
    const [container, key] = pick(r, all);
    if (r() < 0.2 && !Array.isArray(container)) delete container[key as string];
    else (container as Record<string | number, unknown>)[key] = hostileValue(r);
  }
  return copy;
}

/** Byte-level mutations: flips, cuts, inserted junk. */
function mutateBytes(bytes: Uint8Array, r: Random): Uint8Array {
  let out = Uint8Array.from(bytes);
  const kind = Math.floor(r() * 3);
  if (kind === 0) {
    for (let k = 0; k < 1 + Math.floor(r() * 8); k++)
      out[Math.floor(r() * out.length)] = Math.floor(r() * 256);
  } else if (kind === 1) {
    out = out.subarray(0, Math.floor(r() * out.length));
  } else {
    const at = Math.floor(r() * out.length);
    const junk = Uint8Array.from({ length: 1 + Math.floor(r() * 16) }, () => Math.floor(r() * 256));
    out = Uint8Array.from([...out.subarray(0, at), ...junk, ...out.subarray(at)]);
  }
  return out;
}

const CASES = 300;
/** ONNX imports that succeed lay the graph out: fewer cases keep the file fast. */
const ONNX_CASES = 100;

describe('fuzzed projects: parseProject never throws', () => {
  const base = loadTemplate('mnist-cnn');
  it(`${CASES} structural mutations`, () => {
    const r = rng(14);
    let refused = 0;
    for (let i = 0; i < CASES; i++) {
      const text = JSON.stringify(mutateDoc(base, r));
      const result = parseProject(text);
      if (result.ok) expect(() => serializeProject(result.project)).not.toThrow();
      else {
        refused++;
        expect(result.errors.length).toBeGreaterThan(0);
        for (const e of result.errors) expect(typeof e).toBe('string');
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The mutations are hostile enough that most are refused (the fuzzer is not a no-op).
    expect(refused).toBeGreaterThan(CASES / 2);
  });

  it(`${CASES} text mutations: JSON errors carry a line and column`, () => {
    const r = rng(1414);
    const text = serializeProject(base);
    const bytes = new TextEncoder().encode(text);
    for (let i = 0; i < CASES; i++) {
      const mutated = new TextDecoder().decode(mutateBytes(bytes, r));
      const result = parseProject(mutated);
      if (result.ok) continue;
      let valid = true;
      try {
        JSON.parse(mutated);
      } catch {
        valid = false;
      }
      // The scanner agrees with JSON.parse on validity, and an invalid text is placed.
      expect(jsonErrorOffset(mutated) < 0).toBe(valid);
      if (!valid) expect(result.errors[0]).toMatch(/^Not valid JSON at line \d+, column \d+/);
    }
  });
});

describe('fuzzed models: the importers never throw', () => {
  // Input 4 → Dense 3 softmax, as TF.js saves it; the 15 weights are 0.5 each.
  const modelJson = {
    format: 'layers-model',
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: 's',
        layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, 4], name: 'in' } },
          { class_name: 'Dense', config: { name: 'd', units: 3, activation: 'softmax' } },
        ],
      },
    },
    weightsManifest: [
      {
        paths: ['w.bin'],
        weights: [
          { name: 'd/kernel', shape: [4, 3], dtype: 'float32' },
          { name: 'd/bias', shape: [3], dtype: 'float32' },
        ],
      },
    ],
  };
  const bin = new Uint8Array(new Float32Array(15).fill(0.5).buffer);

  it('the unmutated TF.js model imports with its weights (the baseline)', () => {
    const result = importKerasJson(modelJson, { 'w.bin': bin });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.weights?.get('d')?.[0]?.data[0]).toBe(0.5);
  });

  it(`${CASES} mutated TF.js manifests and weight files`, () => {
    const r = rng(4114);
    let refused = 0;
    for (let i = 0; i < CASES; i++) {
      const doc = r() < 0.7 ? mutateDoc(modelJson, r) : modelJson;
      const files = { 'w.bin': r() < 0.5 ? mutateBytes(bin, r) : bin };
      let result: ReturnType<typeof importKerasJson> | undefined;
      expect(() => (result = importKerasJson(doc, files))).not.toThrow();
      if (!result!.ok) {
        refused++;
        expect(result!.error).toMatch(/\S/);
      }
      if (files['w.bin'].length !== bin.length && doc === modelJson) expect(result!.ok).toBe(false);
    }
    expect(refused).toBeGreaterThan(CASES / 4);
  });

  it(`${ONNX_CASES} mutated ONNX files`, () => {
    const lowered = lowerGraph(loadTemplate('mnist-mlp').graph);
    if (!lowered.ok) throw new Error('template does not lower');
    const weights: ModelWeights = new Map();
    for (const op of lowered.ir.ops) {
      const list = expectedWeights(op).map((w) => ({
        ...w,
        data: new Float32Array(w.shape.reduce((a, b) => a * b, 1)).fill(0.25),
      }));
      if (list.length > 0) weights.set(op.name, list);
    }
    const onnx = exportOnnx(lowered.ir, weights);
    expect(importOnnx(onnx).ok).toBe(true);
    const r = rng(41414);
    let refused = 0;
    for (let i = 0; i < ONNX_CASES; i++) {
      let result: ReturnType<typeof importOnnx> | undefined;
      expect(() => (result = importOnnx(mutateBytes(onnx, r)))).not.toThrow();
      if (!result!.ok) {
        refused++;
        expect(result!.error).toMatch(/\S/);
      }
    }
    expect(refused).toBeGreaterThan(ONNX_CASES / 4);
  });
});
