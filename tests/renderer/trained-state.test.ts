import { describe, expect, it } from 'vitest';
import { loadTemplate, parseProject, serializeProject } from '../../shared/index.ts';
import type { EpochLog } from '../../shared/training/train.ts';
import { WEIGHTS_FORMAT, type WeightsSection } from '../../shared/training/weights.ts';
import { createEditorStore } from '../../renderer/store/index.ts';

const weights = (data: string): WeightsSection => ({
  format: WEIGHTS_FORMAT,
  version: 1,
  dtype: 'float32',
  byteOrder: 'little',
  trainedOn: { dataset: 'spiral', epochs: 2 },
  layers: [{ layer: 'hidden_1', tensors: [{ name: 'bias', shape: [1] }], data }],
});
const epochs = (n: number, loss: number): EpochLog[] =>
  Array.from({ length: n }, (_, i) => ({
    epoch: i + 1,
    loss: loss - i * 0.1,
    acc: 0.5,
    val_loss: null,
    val_acc: null,
    seconds: 1,
  }));

describe('setTrainedState', () => {
  it('stores weights and history; a continued run appends, a fresh one replaces', () => {
    const store = createEditorStore(loadTemplate('toy-2d-classifier'));
    store.getState().setTrainedState({
      weights: weights('AAAAAA=='),
      history: epochs(2, 1),
      continued: false,
    });
    let p = store.getState().project;
    expect(store.getState().dirty).toBe(true);
    expect((p.weights as WeightsSection).layers[0]!.data).toBe('AAAAAA==');
    expect(p.trainingHistory).toEqual([
      { epoch: 1, loss: 1, acc: 0.5, val_loss: null, val_acc: null },
      { epoch: 2, loss: 0.9, acc: 0.5, val_loss: null, val_acc: null },
    ]);

    store.getState().setTrainedState({
      weights: weights('AACAPw=='),
      history: epochs(1, 0.5),
      continued: true,
    });
    p = store.getState().project;
    expect((p.trainingHistory as { epoch: number }[]).map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect((p.weights as WeightsSection).trainedOn).toEqual({ dataset: 'spiral', epochs: 3 });

    // Both survive a save and open.
    const reopened = parseProject(serializeProject(p));
    expect(reopened.ok && reopened.project.trainingHistory).toEqual(p.trainingHistory);
    expect(reopened.ok && reopened.project.weights).toEqual(p.weights);

    store
      .getState()
      .setTrainedState({ weights: weights('AAAAAA=='), history: epochs(1, 2), continued: false });
    expect(store.getState().project.trainingHistory).toHaveLength(1);
  });

  it('a stopped part-epoch is saved as partial; trainedOn counts it by its fraction (1.1)', () => {
    const store = createEditorStore(loadTemplate('toy-2d-classifier'));
    const [first] = epochs(1, 1);
    store.getState().setTrainedState({
      weights: weights('AAAAAA=='),
      history: [first!, { ...first!, epoch: 2, partial: true, fraction: 0.1, loss: 0.8 }],
      continued: false,
    });
    const p = store.getState().project;
    expect(p.trainingHistory).toEqual([
      { epoch: 1, loss: 1, acc: 0.5, val_loss: null, val_acc: null },
      {
        epoch: 2,
        partial: true,
        fraction: 0.1,
        loss: 0.8,
        acc: 0.5,
        val_loss: null,
        val_acc: null,
      },
    ]);
    expect((p.weights as WeightsSection).trainedOn).toEqual({ dataset: 'spiral', epochs: 1.1 });
    const reopened = parseProject(serializeProject(p));
    expect(reopened.ok && reopened.project.trainingHistory).toEqual(p.trainingHistory);
  });
});

describe('clearTrainedState (Reset weights)', () => {
  it('removes weights and history so a save holds an untrained model', () => {
    const store = createEditorStore(loadTemplate('toy-2d-classifier'));
    store.getState().setTrainedState({
      weights: weights('AAAAAA=='),
      history: epochs(1, 1),
      continued: false,
    });
    store.setState({ dirty: false });
    store.getState().clearTrainedState();
    const p = store.getState().project;
    expect(store.getState().dirty).toBe(true);
    expect('weights' in p).toBe(false);
    expect('trainingHistory' in p).toBe(false);
    const reopened = parseProject(serializeProject(p));
    expect(reopened.ok && 'weights' in reopened.project).toBe(false);
    expect(p.graph).toEqual(loadTemplate('toy-2d-classifier').graph);
  });

  it('leaves an untrained project untouched (not dirty)', () => {
    const store = createEditorStore(loadTemplate('toy-2d-classifier'));
    store.getState().clearTrainedState();
    expect(store.getState().dirty).toBe(false);
  });
});
