import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../shared/index.ts';
import {
  backendToRequest,
  modelSignature,
  rememberedRate,
  rememberedBackend,
  withRemembered,
} from '../../renderer/training/backendMemory.ts';

const machine = 'Google SwiftShader · 2 threads';

describe('backend remembered per project and machine class', () => {
  it('auto asks for the remembered pick only for the same batch size and model', () => {
    const graph = loadTemplate('mnist-mlp').graph;
    const model = modelSignature(graph);
    const training = {
      backends: withRemembered({}, machine, {
        choice: 'auto',
        picked: 'wasm',
        batchSize: 64,
        model,
      }),
    };
    const r = rememberedBackend(training, machine);
    expect(backendToRequest(r, 64, model)).toBe('wasm');
    expect(backendToRequest(r, 128, model)).toBe('auto');
    const other = modelSignature(loadTemplate('mnist-cnn').graph);
    expect(other).not.toBe(model);
    expect(backendToRequest(r, 64, other)).toBe('auto');
    // Another machine class has no entry: auto probes.
    expect(
      backendToRequest(rememberedBackend(training, 'NVIDIA H200 · 16 threads'), 64, model),
    ).toBe('auto');
    // A user's override wins whatever was probed.
    const chosen = rememberedBackend(
      { backends: withRemembered(training, machine, { ...r!, choice: 'webgl' }) },
      machine,
    );
    expect(backendToRequest(chosen, 64, model)).toBe('webgl');
  });

  it('malformed entries are ignored, not trusted', () => {
    expect(rememberedBackend({ backends: 'x' }, machine)).toBeNull();
    expect(rememberedBackend({ backends: { [machine]: { choice: 'tpu' } } }, machine)).toBeNull();
    expect(
      rememberedBackend({ backends: { [machine]: { choice: 'auto', picked: 'tpu' } } }, machine),
    ).toEqual({ choice: 'auto' });
  });

  it('the model signature ignores block positions', () => {
    const graph = loadTemplate('mnist-mlp').graph;
    const moved = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, position: { x: 1, y: 2 } })) };
    expect(modelSignature(moved)).toBe(modelSignature(graph));
  });
});

describe("rememberedRate: the cost preview's time per epoch after reopening", () => {
  const probe = [
    { backend: 'webgl', samplesPerSecond: 18, warmupOnly: true },
    { backend: 'wasm', samplesPerSecond: 2960, steps: 4 },
  ];
  it("gives the remembered probe's rate of the backend that will run, for this batch and model", () => {
    const auto = {
      choice: 'auto' as const,
      picked: 'wasm' as const,
      batchSize: 64,
      model: 'abc',
      probe,
    };
    expect(rememberedRate(auto, 64, 'abc')).toBe(2960);
    // The user's override: its own measured rate.
    expect(rememberedRate({ ...auto, choice: 'webgl' }, 64, 'abc')).toBe(18);
  });
  it('gives nothing when the batch size or the model changed, or nothing was probed', () => {
    const auto = {
      choice: 'auto' as const,
      picked: 'wasm' as const,
      batchSize: 64,
      model: 'abc',
      probe,
    };
    expect(rememberedRate(auto, 128, 'abc')).toBeUndefined();
    expect(rememberedRate(auto, 64, 'other')).toBeUndefined();
    expect(rememberedRate({ choice: 'auto' }, 64, 'abc')).toBeUndefined();
    expect(rememberedRate(null, 64, 'abc')).toBeUndefined();
    expect(rememberedRate({ ...auto, choice: 'cpu' }, 64, 'abc')).toBeUndefined();
  });
});
