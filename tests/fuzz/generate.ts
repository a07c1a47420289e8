/**
 * Seeded random projects over the whole layer catalogue (shared/layers/registry.ts), for
 * differential testing (issue 11, item 7).
 *
 * A graph is one Input of random rank (1–5 feature axes, awkward sizes: 1, 2, 3, 5, 7) followed
 * by steps on the current tensor:
 * - a chain step: a random catalogue kind with random params (drawn from each kind's own param
 *   specs, so a kind added to the registry is fuzzed without touching this file), kept when the
 *   kind's `inferShape` accepts the input;
 * - a branch step: 2–3 short chains from the current tensor (or a skip link to an earlier one),
 *   merged by a random merge kind of the catalogue (Add, Concatenate on any valid axis, negative
 *   axes included).
 * Every tensor stays at most `MAX_VALUES` values per example so that every back-end runs fast.
 * The same seed gives the same project.
 */
import { emptyProject, type Project } from '../../shared/graph/project.ts';
import type { GraphEdge, GraphNode } from '../../shared/graph/types.ts';
import { LAYERS, resolveParams } from '../../shared/layers/registry.ts';
import type { ParamSpec } from '../../shared/layers/params.ts';
import type { LayerDef, ResolvedParams } from '../../shared/layers/types.ts';
import { rng } from '../../shared/datasets/random.ts';
import type { Shape } from '../../shared/shape.ts';

/** Largest number of values per example in any tensor of a generated graph. */
export const MAX_VALUES = 400;
const SIZES = [1, 2, 3, 5, 7];

interface Tensor {
  id: string;
  shape: Shape;
}

type Random = () => number;

const pick = <T>(random: Random, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)]!;
const size = (shape: Shape) => shape.reduce((a, b) => a * b, 1);

/** Every factorisation-free split of `n` values into `rank` sizes (random, ones allowed). */
function randomShapeOf(random: Random, n: number): number[] {
  const rank = 1 + Math.floor(random() * 4);
  const dims: number[] = [];
  let rest = n;
  for (let i = 0; i < rank - 1; i++) {
    const divisors = [...Array(rest).keys()].map((d) => d + 1).filter((d) => rest % d === 0);
    const d = pick(random, divisors);
    dims.push(d);
    rest /= d;
  }
  dims.push(rest);
  // Sometimes let Reshape infer one size (-1).
  if (random() < 0.3) dims[Math.floor(random() * dims.length)] = -1;
  return dims;
}

/** `list` in a random order (Fisher–Yates). */
function shuffled<T>(random: Random, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

/** A random value for one param spec; `input` is the block's first input shape. */
function randomParam(random: Random, spec: ParamSpec, input: Shape | undefined): unknown {
  switch (spec.kind) {
    case 'int': {
      const lo = spec.min;
      const hi = spec.max ?? lo + 8;
      if (lo < 0) return lo + Math.floor(random() * (hi - lo + 1)); // axes: any, invalid ones fail inferShape
      const candidates = SIZES.filter((s) => s >= lo && s <= hi);
      return candidates.length ? pick(random, candidates) : lo;
    }
    case 'float': {
      if (spec.max === undefined) return pick(random, [1e-5, 1e-3, 0.01, 0.1]);
      const lo = spec.min ?? 0;
      const value = lo + random() * (spec.max - lo);
      return Math.round(value * 100) / 100 === spec.max && spec.maxExclusive
        ? lo
        : Math.round(value * 100) / 100;
    }
    case 'enum':
      return pick(random, spec.options);
    case 'bool':
      return random() < 0.5;
    case 'pair':
      if (spec.nullable && random() < 0.3) return null;
      return [1 + Math.floor(random() * 3), 1 + Math.floor(random() * 3)];
    case 'edges': {
      // ZeroPadding2D / Cropping2D: ((top, bottom), (left, right)), each side 0..2.
      const side = () => Math.floor(random() * 3);
      return [
        [side(), side()],
        [side(), side()],
      ];
    }
    case 'shape':
      // Permute's `dims`: a random order of the input's axes 1..rank (any other list fails).
      if (spec.name === 'dims' && input)
        return shuffled(
          random,
          input.map((_, i) => i + 1),
        );
      return randomShapeOf(random, input ? size(input) : 1 + Math.floor(random() * 7));
  }
}

function randomParams(random: Random, def: LayerDef, input: Shape | undefined): ResolvedParams {
  return Object.fromEntries(def.params.map((s) => [s.name, randomParam(random, s, input)]));
}

/** Options for `generateProject`. */
export interface GenerateOptions {
  /** Chain/branch steps after the Input; default 2–7 (random). */
  steps?: number;
  /**
   * A layer kind the graph must hold (when any input of rank 1–5 suits it): the Input's shape is
   * drawn until this kind accepts it, with random params, as the first block after the Input
   * (a merge gets the Input twice). Without it, or when nothing suits it, the graph is as usual.
   */
  focus?: string;
}

/**
 * One random valid project for `seed` (deterministic). Layer kinds come from the registry; the
 * project's graph passes `lowerGraph` (every block's `inferShape` accepted its inputs).
 */
export function generateProject(seed: number, options: GenerateOptions = {}): Project {
  const random = rng(seed * 7919 + 17);
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const single = LAYERS.filter((l) => l.inputs.min === 1 && l.inputs.max === 1);
  const merges = LAYERS.filter((l) => l.inputs.max > 1);
  const inputDef = LAYERS.find((l) => l.inputs.max === 0)!;

  const addNode = (type: string, params: ResolvedParams, inputs: Tensor[]): string => {
    const id = `${type.toLowerCase()}_${nodes.length}`;
    nodes.push({ id, type, params, position: { x: 0, y: nodes.length * 90 } });
    inputs.forEach((t, i) => {
      edges.push({
        id: `e${edges.length}`,
        source: t.id,
        target: id,
        ...(inputs.length > 1 ? { targetHandle: String(i) } : {}),
      });
    });
    return id;
  };

  /** Tries random kinds (or `only`) on `inputs`; returns the new tensor or null. */
  const tryLayer = (candidates: readonly LayerDef[], inputs: Tensor[]): Tensor | null => {
    for (let attempt = 0; attempt < 25; attempt++) {
      const def = pick(random, candidates);
      const raw = randomParams(random, def, inputs[0]?.shape);
      const { params, problems } = resolveParams(def, raw);
      if (problems.length) continue;
      const result = def.inferShape(
        inputs.map((t) => t.shape),
        params,
      );
      if (!result.ok || size(result.shape) > MAX_VALUES || result.shape.some((d) => d < 1))
        continue;
      return { id: addNode(def.type, raw, inputs), shape: result.shape };
    }
    return null;
  };

  const rankWeights = [1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 4, 5];
  const rank = pick(random, rankWeights);
  const drawShape = () => {
    const shape = Array.from({ length: rank }, () => pick(random, SIZES));
    if (rank >= 3) shape[rank - 1] = pick(random, [1, 2, 3]);
    return shape;
  };
  let inShape = drawShape();
  while (size(inShape) > MAX_VALUES / 2) inShape = drawShape();
  const focus = options.focus ? LAYERS.find((l) => l.type === options.focus) : undefined;
  let first: { def: LayerDef; raw: ResolvedParams; inputs: number } | undefined;
  for (let attempt = 0; focus && !first && attempt < 200; attempt++) {
    const shape = Array.from({ length: 1 + Math.floor(random() * 5) }, () => pick(random, SIZES));
    if (size(shape) > MAX_VALUES / 2) continue;
    const inputs = Math.max(1, focus.inputs.min);
    const raw = randomParams(random, focus, shape);
    const { params, problems } = resolveParams(focus, raw);
    if (problems.length) continue;
    const result = focus.inferShape(
      Array.from({ length: inputs }, () => shape),
      params,
    );
    if (!result.ok || size(result.shape) > MAX_VALUES || result.shape.some((d) => d < 1)) continue;
    inShape = shape;
    first = { def: focus, raw, inputs };
  }
  let current: Tensor = { id: addNode(inputDef.type, { shape: inShape }, []), shape: inShape };
  const history: Tensor[] = [current];
  if (first) {
    const result = first.def.inferShape(
      Array.from({ length: first.inputs }, () => inShape),
      resolveParams(first.def, first.raw).params,
    );
    if (result.ok) {
      const ins = Array.from({ length: first.inputs }, () => current);
      current = { id: addNode(first.def.type, first.raw, ins), shape: result.shape };
      history.push(current);
    }
  }

  const steps = options.steps ?? 2 + Math.floor(random() * 6);
  for (let step = 0; step < steps; step++) {
    if (random() < 0.3) {
      // Branch: 2–3 short chains, or a skip link to an earlier tensor, merged.
      const branches: Tensor[] = [];
      const count = 2 + Math.floor(random() * 2);
      for (let b = 0; b < count; b++) {
        let t: Tensor = current;
        if (b > 0 && random() < 0.25) t = pick(random, history);
        const length = Math.floor(random() * 3);
        for (let k = 0; k < length; k++) t = tryLayer(single, [t]) ?? t;
        branches.push(t);
      }
      const merged = tryLayer(merges, branches);
      if (merged) current = merged;
      else {
        // Shapes that no merge accepts: merge the first branch with itself (any axis works).
        const self = tryLayer(merges, [branches[0]!, branches[0]!]);
        if (self) current = self;
        else continue; // the branches dangle: dropped at the end
      }
    } else {
      current = tryLayer(single, [current]) ?? current;
    }
    history.push(current);
  }
  pruneDangling(nodes, edges, current.id);
  const project = emptyProject(`fuzz seed ${seed}`);
  project.graph = { nodes, edges };
  return project;
}

/** Removes nodes (and their edges) from which `output` cannot be reached. */
function pruneDangling(nodes: GraphNode[], edges: GraphEdge[], output: string): void {
  const keep = new Set([output]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of edges) {
      if (keep.has(e.target) && !keep.has(e.source)) {
        keep.add(e.source);
        grew = true;
      }
    }
  }
  const dropNodes = nodes.filter((n) => !keep.has(n.id));
  for (const n of dropNodes) nodes.splice(nodes.indexOf(n), 1);
  const dropEdges = edges.filter((e) => !keep.has(e.source) || !keep.has(e.target));
  for (const e of dropEdges) edges.splice(edges.indexOf(e), 1);
}
