import { describe, expect, it } from 'vitest';
import { explainArithmetic } from '../../shared/explain/arithmetic.ts';
import { EXPLAINED_TYPES, explainCard } from '../../shared/explain/cards.ts';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { LAYERS } from '../../shared/layers/registry.ts';
import { loadTemplate } from '../../shared/templates/index.ts';

/** Arithmetic for every block of a template, keyed by node id. */
function arithmeticOf(templateId: string) {
  const analysis = analyzeGraph(loadTemplate(templateId).graph);
  return new Map(
    [...analysis.nodes.values()].map((info) => [
      info.node.id,
      explainArithmetic(
        info.node.type,
        info.params,
        info.inputs.map((e) => analysis.nodes.get(e.source)!.shape!),
      ),
    ]),
  );
}

describe('explanation cards', () => {
  it('every catalogue entry has a card with what, formula and when', () => {
    expect([...EXPLAINED_TYPES].sort()).toEqual(LAYERS.map((l) => l.type).sort());
    for (const def of LAYERS) {
      const card = explainCard(def.type)!;
      expect(card.what.length).toBeGreaterThan(20);
      expect(card.formula).not.toBe('');
      expect(card.when).not.toBe('');
    }
  });

  it('spells out the parameter arithmetic of the MNIST MLP', () => {
    const a = arithmeticOf('mnist-mlp');
    expect(a.get('dense_1')!.params).toBe('784 × 128 weights + 128 biases = 100,480');
    expect(a.get('dense_2')!.params).toBe('128 × 64 weights + 64 biases = 8,256');
  });

  it('spells out conv and pooling shapes of the MNIST CNN', () => {
    const a = arithmeticOf('mnist-cnn');
    expect(a.get('conv_1')!.params).toBe('3 × 3 × 1 channels × 32 filters + 32 biases = 320');
    expect(a.get('conv_1')!.shape).toEqual([
      'height: (28 − 3) / 1 + 1 = 26',
      'width: (28 − 3) / 1 + 1 = 26',
    ]);
    expect(a.get('pool_2')!.shape).toEqual([
      'height: ⌊(11 − 2) / 2⌋ + 1 = 5',
      'width: ⌊(11 − 2) / 2⌋ + 1 = 5',
    ]);
    expect(a.get('flatten')!.shape).toEqual(['5 × 5 × 64 = 1,600 values']);
  });

  it('the arithmetic agrees with the catalogue’s counts for every Dense and Conv2D', () => {
    for (const id of ['mnist-mlp', 'mnist-cnn', 'residual-block']) {
      const analysis = analyzeGraph(loadTemplate(id).graph);
      const arithmetic = arithmeticOf(id);
      for (const info of analysis.nodes.values()) {
        if (!['Dense', 'Conv2D'].includes(info.node.type)) continue;
        const total = info.count!.trainable.toLocaleString('en-US');
        expect(arithmetic.get(info.node.id)!.params!.endsWith(`= ${total}`)).toBe(true);
      }
    }
  });
});
