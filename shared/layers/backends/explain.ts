/**
 * The explain hooks every layer kind provides (`LayerDef.explain`), and the helpers kinds use to write
 * them. Kind modules import this file as a namespace (`import * as explain from '../backends/explain.ts'`)
 * and reach everything they need for this back-end through it.
 *
 * Readers, all through `getLayer(type)!.explain`:
 * - `shared/explain/cards.ts` (`explainCard`): the card in the inspector, on hover and in presenter
 *   mode — `card`;
 * - `shared/explain/arithmetic.ts` (`explainArithmetic`): "784 × 128 weights + 128 biases =
 *   100,480" — `arithmetic`;
 * - `renderer/canvas/blockInfo.ts` (`paramDigest`): the short line on a block, "128 · relu" —
 *   `digest`;
 * - `shared/lint/rules.ts` and `shared/datasets/fit.ts`: facts the lints and the dataset fit
 *   checks read — `outputActivation`, `featureMapOutput`, `outputHead`.
 *
 * Shapes are per example (batch axis not counted), channels-last as Keras has them: `(features)`,
 * `(steps, channels)`, `(H, W, C)`. Params are the resolved params (defaults filled in) except for
 * `digest`, which gets a block's stored params as they are (any may be missing). This file must
 * not import `../registry.ts` (kinds import this file).
 */
import type { Shape } from '../../shape.ts';
import { windowOutputSize } from '../layout.ts';
import type { ResolvedParams } from '../types.ts';

/** A layer kind's explanation card. Plain text (no TeX), for a beginner. */
export interface Card {
  /** e.g. `Dense (fully connected)`. */
  title: string;
  /** What the block computes, in one or two sentences a beginner can follow. */
  what: string;
  /** The formula, in plain text, e.g. `y = activation(x · W + b)`. */
  formula: string;
  /** When to reach for it. */
  when: string;
}

/**
 * The arithmetic behind a block's parameter count and output shape, as a learner would write it.
 * Counts are written with `count` (`100,480`).
 */
export interface BlockArithmetic {
  /** e.g. `784 × 128 weights + 128 biases = 100,480`, or `no weights`. */
  params?: string;
  /** One line per output axis worth explaining, e.g. `height: (28 − 3) / 1 + 1 = 26`. */
  shape?: string[];
}

/**
 * The explanation side of one layer kind. Only `card` is required.
 *
 * Example (Dense, in `kinds/dense.ts`):
 * ```ts
 * const explainHooks: explain.Hooks = {
 *   card: { title: 'Dense (fully connected)', what: '…', formula: 'y = activation(x · W + b)', when: '…' },
 *   arithmetic: (p, [input]) => ({ params: `${explain.count(explain.last(input!))} × … = …` }),
 *   digest: (p) => explain.joinDigest([p.units, explain.nonLinear(p.activation)]),
 *   outputActivation: (p) => p.activation as string,
 *   outputHead: true,
 * };
 * ```
 */
export interface Hooks {
  card: Card;
  /**
   * The arithmetic of the block's parameter count and output shape, given its resolved params
   * and its input shapes in port order (at least one; the Input block is never asked). Default
   * `{ params: 'no weights' }`. Write counts with `count`, windows with `windowShape`.
   */
  arithmetic?(params: ResolvedParams, inputs: readonly Shape[]): BlockArithmetic;
  /**
   * The short line under a block's name of the params that matter most, e.g. `128 · relu`,
   * `32 · 3×3`, `rate 0.5`. Gets the block's stored params (any may be missing: write `?? ''`).
   * Default: empty (no line).
   */
  digest?(params: ResolvedParams): string;
  /**
   * The activation this kind applies last, when it has one the user chooses (Dense's
   * `activation`, Activation's): read by the lints on the model's output (softmax with
   * cross-entropy, sigmoid for one unit) and by the dataset fit check. Default: none.
   */
  outputActivation?(params: ResolvedParams): string | undefined;
  /**
   * True when a rank-3 output `(H, W, C)` of this kind is an image feature map (Conv2D, pooling,
   * and the kinds that pass one through: Activation, Dropout, BatchNormalization, Reshape, Input):
   * lint W101 asks for Flatten when a Dense reads such a map. Default false.
   */
  featureMapOutput?: boolean;
  /**
   * True when the kind makes a good output layer whose `units` and `activation` params a fix may
   * set (Dense): the dataset fit check (W105) and lint W104 then offer "Use 10 softmax units".
   * Default false.
   */
  outputHead?: boolean;
}

/** `109386` → `109,386`: counts as Keras formats them (the same as `formatCount`). */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Size of the last axis of a shape (features / channels). */
export function last(shape: Shape): number {
  return shape[shape.length - 1]!;
}

/**
 * One spatial axis of a sliding window (conv or pooling), as Keras computes it: 'same' →
 * `⌈size / stride⌉`, 'valid' → `⌊(size − window) / stride⌋ + 1` (the ⌊⌋ only when inexact).
 * E.g. `windowLine('height', 28, 3, 1, 'valid')` → `height: (28 − 3) / 1 + 1 = 26`.
 */
export function windowLine(
  axis: string,
  size: number,
  window: number,
  stride: number,
  padding: string,
): string {
  const out = windowOutputSize(size, window, stride, padding);
  if (padding === 'same') return `${axis}: ⌈${size} / ${stride}⌉ = ${out} (padding same)`;
  const exact = (size - window) % stride === 0;
  return `${axis}: ${exact ? '' : '⌊'}(${size} − ${window}) / ${stride}${exact ? '' : '⌋'} + 1 = ${out}`;
}

/**
 * `windowLine` for each spatial axis of a channels-last input of spatial rank `window.length`
 * (`(H, W, C)` for 2: height, width; `(steps, C)` for 1: steps); undefined when the input's rank
 * is not `window.length + 1`.
 */
export function windowShape(
  input: Shape,
  window: readonly number[],
  strides: readonly number[],
  padding: string,
): string[] | undefined {
  const names = window.length === 1 ? ['steps'] : ['height', 'width', 'depth'];
  if (input.length !== window.length + 1) return undefined;
  return window.map((w, i) => windowLine(names[i]!, input[i]!, w, strides[i]!, padding));
}

/** Joins the present digest parts with ` · `, skipping null, undefined, '' and false. */
export function joinDigest(parts: readonly unknown[]): string {
  return parts.filter(Boolean).join(' · ');
}

/** An activation for a digest: null for `linear` (not worth showing), else the name. */
export function nonLinear(activation: unknown): unknown {
  return activation !== 'linear' ? activation : null;
}

/** A pair/tuple param for a digest: `[3, 3]` → `3×3`; anything else as a string. */
export function dims(value: unknown): string {
  return Array.isArray(value) ? value.join('×') : String(value ?? '');
}
