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

  it('the arithmetic ends in the Keras parameter count of every Dense and Conv2D', () => {
    // By hand (Keras model.summary() counts): Dense in·out + out; Conv2D kh·kw·in·filters + filters.
    const expected: Record<string, Record<string, number>> = {
      'mnist-mlp': { dense_1: 784 * 128 + 128, dense_2: 128 * 64 + 64, dense_3: 64 * 10 + 10 },
      'mnist-cnn': {
        conv_1: 3 * 3 * 1 * 32 + 32,
        conv_2: 3 * 3 * 32 * 64 + 64,
        dense: 1600 * 10 + 10,
      },
      'residual-block': {
        dense_in: 784 * 64 + 64,
        dense_a: 64 * 64 + 64,
        dense_b: 64 * 64 + 64,
        output: 64 * 10 + 10,
      },
    };
    for (const [id, counts] of Object.entries(expected)) {
      const arithmetic = arithmeticOf(id);
      for (const [nodeId, total] of Object.entries(counts)) {
        const text = arithmetic.get(nodeId)!.params!;
        expect([nodeId, text.endsWith(`= ${total.toLocaleString('en-US')}`)]).toEqual([
          nodeId,
          true,
        ]);
      }
    }
  });
});
