/**
 * Bridge between the project file's `weights` section (`shared/training/weights.ts`, base64
 * float32 per layer) and the exporters' `ModelWeights`.
 */
import type { ModelIR } from '../ir/lower.ts';
import { base64ToBytes, bytesToBase64 } from '../training/base64.ts';
import {
  asWeightsSection,
  NOT_A_WEIGHTS_SECTION,
  WEIGHTS_FORMAT,
  type WeightsSection,
} from '../training/weights.ts';
import { checkWeights, type ModelWeights } from './weights.ts';

/** Decodes a project's `weights` section for `ir`; problems instead of a half-read result. */
export function weightsFromSection(
  section: unknown,
  ir: ModelIR,
): { ok: true; weights: ModelWeights } | { ok: false; problems: string[] } {
  const s = asWeightsSection(section);
  if (!s) return { ok: false, problems: [NOT_A_WEIGHTS_SECTION] };
  const weights: ModelWeights = new Map();
  const problems: string[] = [];
  for (const layer of s.layers) {
    try {
      const bytes = base64ToBytes(layer.data);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let at = 0;
      const list = layer.tensors.map((t) => {
        const size = t.shape.reduce((a, b) => a * b, 1);
        if ((at + size) * 4 > bytes.byteLength) throw new Error('data is shorter than its shapes');
        const data = new Float32Array(size);
        for (let i = 0; i < size; i++) data[i] = view.getFloat32((at + i) * 4, true);
        at += size;
        return { name: t.name, shape: [...t.shape], data };
      });
      weights.set(layer.layer, list);
    } catch (e) {
      problems.push(`weights: layer ${layer.layer}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  problems.push(...checkWeights(ir, weights).map((p) => `weights: ${p}`));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, weights };
}

/** Encodes weights as a project `weights` section (the format training writes). */
export function weightsToSection(weights: ModelWeights): WeightsSection {
  return {
    format: WEIGHTS_FORMAT,
    version: 1,
    dtype: 'float32',
    byteOrder: 'little',
    layers: [...weights].map(([layer, list]) => {
      const total = list.reduce((n, w) => n + w.data.length, 0);
      const bytes = new Uint8Array(total * 4);
      const view = new DataView(bytes.buffer);
      let at = 0;
      for (const w of list) for (const v of w.data) view.setFloat32(4 * at++, v, true);
      return {
        layer,
        tensors: list.map((w) => ({ name: w.name, shape: [...w.shape] })),
        data: bytesToBase64(bytes),
      };
    }),
  };
}
