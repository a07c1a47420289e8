import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildVocabulary,
  encodeText,
  OOV_ID,
  textDataset,
  tokenize,
  topicRows,
  topicsCsv,
  topicsDataset,
  vocabularyIds,
  type LabelledText,
} from '../../shared/datasets/tokenizer.ts';
import {
  makeWindows,
  seriesCut,
  seriesDataset,
  seriesFromCsv,
  windowedDataset,
  type Series,
} from '../../shared/datasets/window.ts';
import { batchTensors, modelInputDtype, splitIndices } from '../../shared/training/train.ts';

const series1 = (values: number[]): Series => ({
  columns: ['v'],
  values: Float32Array.from(values),
  steps: values.length,
});

describe('windowing', () => {
  it('makes the windows of a tiny series by hand: W=3, H=1 and H=2', () => {
    const s = series1([10, 11, 12, 13, 14, 15]);
    // H=1: windows [10,11,12]→13, [11,12,13]→14, [12,13,14]→15: 6 − 3 − 1 + 1 = 3 examples.
    const h1 = makeWindows(s, 0, 3, 1);
    expect(h1.count).toBe(3);
    expect([...h1.x]).toEqual([10, 11, 12, 11, 12, 13, 12, 13, 14]);
    expect([...h1.y]).toEqual([13, 14, 15]);
    // H=2: the value two steps after the window's last: [10,11,12]→14, [11,12,13]→15.
    const h2 = makeWindows(s, 0, 3, 2);
    expect(h2.count).toBe(2);
    expect([...h2.x]).toEqual([10, 11, 12, 11, 12, 13]);
    expect([...h2.y]).toEqual([14, 15]);
    // Too short for one window: no examples.
    expect(makeWindows(s, 0, 5, 2).count).toBe(0);
  });

  it('keeps several features per step as (W, F) and reads the target column', () => {
    // Steps (a, b): (1,100) (2,200) (3,300) (4,400); W=2, H=1, target b.
    const s: Series = {
      columns: ['a', 'b'],
      values: Float32Array.from([1, 100, 2, 200, 3, 300, 4, 400]),
      steps: 4,
    };
    const w = makeWindows(s, 1, 2, 1);
    expect(w.count).toBe(2);
    expect([...w.x]).toEqual([1, 100, 2, 200, 2, 200, 3, 300]);
    expect([...w.y]).toEqual([300, 400]);
  });

  it('cuts in time with no step of the test part in a training example; stats from the training part', () => {
    // 10 steps, test fraction 0.2 → cut = 10 − 2 = 8: train steps 0..7, test steps 8..9.
    const values = [0, 1, 2, 3, 4, 5, 6, 7, 100, 101];
    expect(seriesCut(10, 0.2)).toBe(8);
    const raw = windowedDataset(series1(values), {
      id: 't',
      title: 't',
      target: 'v',
      window: { length: 2, horizon: 1, normalize: false },
    });
    // Train: windows in steps 0..7: [0,1]→2 … [5,6]→7 (8 − 2 − 1 + 1 = 6).
    expect(raw.train.count).toBe(6);
    expect([...raw.train.y]).toEqual([2, 3, 4, 5, 6, 7]);
    expect([...raw.train.x].every((v) => v < 100)).toBe(true);
    // Test part has 2 steps: too short for W=2 + H=1, so no test split (nothing straddles).
    expect(raw.test).toBeNull();
    expect(raw.featureShape).toEqual([2, 1]);
    expect(raw.chronological).toBe(true);

    // W=1: the test part gives one window [100]→101.
    const w1 = windowedDataset(series1(values), {
      id: 't',
      title: 't',
      target: 'v',
      window: { length: 1, horizon: 1, normalize: false },
    });
    expect([...w1.test!.x]).toEqual([100]);
    expect([...w1.test!.y]).toEqual([101]);
    expect([...w1.train.y]).toEqual([1, 2, 3, 4, 5, 6, 7]);

    // Normalised: mean and spread of steps 0..7 only: mean 3.5, population std √5.25.
    const norm = windowedDataset(series1(values), {
      id: 't',
      title: 't',
      target: 'v',
      window: { length: 1, horizon: 1, normalize: true },
    });
    const std = Math.sqrt(5.25);
    expect(norm.train.x[0]).toBeCloseTo((0 - 3.5) / std, 6);
    expect(norm.train.y[6]).toBeCloseTo((7 - 3.5) / std, 6);
    // The test values are scaled with the training statistics (not their own).
    expect(norm.test!.x[0]).toBeCloseTo((100 - 3.5) / std, 5);
    expect(norm.test!.y[0]).toBeCloseTo((101 - 3.5) / std, 5);
  });

  it('refuses bad window options with the data set named', () => {
    const s = series1([1, 2, 3, 4, 5]);
    const opts = (length: number, horizon: number) => ({
      id: 't',
      title: 'tiny',
      target: 'v',
      window: { length, horizon, normalize: false },
    });
    expect(() => windowedDataset(s, opts(0, 1))).toThrow('tiny: the window length must be');
    expect(() => windowedDataset(s, opts(2, 1.5))).toThrow('tiny: the horizon must be');
    expect(() => windowedDataset(s, opts(4, 1))).toThrow(/tiny: the training part has 4 steps/);
  });

  it('reads CSV columns, dropping rows with a missing value', () => {
    const { series, dropped } = seriesFromCsv('d,x,y\n1,5,6\n2,,7\n3,8,9\n', ['y', 'x'], 'f.csv');
    expect(dropped).toBe(1);
    expect(series.steps).toBe(2);
    expect([...series.values]).toEqual([6, 5, 9, 8]);
    expect(() => seriesFromCsv('a\n1\n', ['b'], 'f.csv')).toThrow('f.csv: no column "b"');
  });

  it('CO2 from vega-datasets: 741 months, windows of 12 → (12, 1)', () => {
    const dir = dirname(createRequire(import.meta.url).resolve('vega-datasets'));
    const text = readFileSync(join(dir, '..', 'data', 'co2-concentration.csv'), 'utf8');
    const d = seriesDataset('co2', text, { length: 12, horizon: 1, normalize: false });
    // 741 rows; cut = 741 − round(148.2) = 593; train 593 − 12 = 581, test 148 − 12 = 136.
    expect(d.featureShape).toEqual([12, 1]);
    expect(d.train.count).toBe(581);
    expect(d.test!.count).toBe(136);
    // The first window is the first 12 rows of the file (1958-03 … 1959-04: the file skips
    // months with no reading), its target the 13th row (1959-05-01, 318.29 ppm).
    expect(d.train.x[0]).toBeCloseTo(315.7, 4);
    expect(d.train.x[11]).toBeCloseTo(317.72, 4);
    expect(d.train.y[0]).toBeCloseTo(318.29, 4);
    expect(d.task).toEqual({ kind: 'regression', targetName: 'CO2' });
  });
});

describe('tokenizer', () => {
  it('lower-cases and splits on non-letters', () => {
    expect(tokenize("Don't STOP, 42 times!")).toEqual(['don', 't', 'stop', 'times']);
    expect(tokenize('  ')).toEqual([]);
  });

  it('vocabulary: most frequent first, ties in first-seen order, 0 pad and 1 OOV', () => {
    // Counts: the 3, cat 2, sat 1, dog 2, ran 1. Order: the, cat, dog (tie with cat: cat first),
    // then sat, ran (ties, first seen order).
    const texts = ['the cat sat', 'the dog ran', 'the cat dog'];
    expect(buildVocabulary(texts, 100)).toEqual([
      '<pad>',
      '<oov>',
      'the',
      'cat',
      'dog',
      'sat',
      'ran',
    ]);
    // vocabSize 4 keeps 2 words: ids 0..3.
    expect(buildVocabulary(texts, 4)).toEqual(['<pad>', '<oov>', 'the', 'cat']);
    expect(() => buildVocabulary(texts, 2)).toThrow('≥ 3');
  });

  it('encodes ids by hand: OOV, padding, truncation', () => {
    const vocab = buildVocabulary(['the cat sat', 'the dog ran', 'the cat dog'], 5);
    // the=2, cat=3, dog=4; sat, ran and anything else = 1.
    const ids = vocabularyIds(vocab);
    expect([...encodeText('The cat ran', ids, 5)]).toEqual([2, 3, OOV_ID, 0, 0]);
    expect([...encodeText('dog dog the cat sat fish', ids, 4)]).toEqual([4, 4, 2, 3]);
    expect([...encodeText('', ids, 3)]).toEqual([0, 0, 0]);
    // '<pad>' in a text is the words "pad": OOV, never id 0.
    expect([...encodeText('<pad>', ids, 2)]).toEqual([1, 0]);
  });

  it('builds the vocabulary from the training split only', () => {
    const rows: LabelledText[] = [
      { text: 'sun sun rain', label: 0, split: 'train' },
      { text: 'goal ball', label: 1, split: 'train' },
      { text: 'zebra zebra zebra zebra', label: 1, split: 'test' },
    ];
    const d = textDataset(rows, {
      id: 't',
      title: 't',
      classes: ['a', 'b'],
      tokenizer: { vocabSize: 10, sequenceLength: 3 },
    });
    expect(d.vocabulary).toEqual(['<pad>', '<oov>', 'sun', 'rain', 'goal', 'ball']);
    expect([...d.train.x]).toEqual([2, 2, 3, 4, 5, 0]);
    // "zebra" is the most frequent word overall but only in the test split: unknown.
    expect([...d.test!.x]).toEqual([1, 1, 1]);
    expect([...d.train.y]).toEqual([0, 1]);
    expect(d.featureShape).toEqual([3]);
    expect(d.inputDtype).toBe('int32');
  });

  it('topic sentences: 320 train and 80 test, classes interleaved, CSV has the same rows', () => {
    const d = topicsDataset({ vocabSize: 500, sequenceLength: 12 });
    expect(d.train.count).toBe(320);
    expect(d.test!.count).toBe(80);
    expect(d.task).toMatchObject({
      numClasses: 4,
      classNames: ['weather', 'food', 'sport', 'computers'],
    });
    expect([...d.train.y.subarray(0, 8)]).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    expect(d.vocabulary!.length).toBe(500);
    expect(Math.max(...d.train.x)).toBe(499);
    const lines = topicsCsv().trimEnd().split('\n');
    expect(lines[0]).toBe('text,label,split');
    expect(lines.length).toBe(401);
    const rows = topicRows();
    expect(lines[1]).toBe(`${rows[0]!.text},weather,train`);
    expect(lines.filter((l) => l.endsWith(',test')).length).toBe(80);
  });
});

describe('training split of sequence data', () => {
  it('chronological data: validation is the last rows in order; shuffled data: a permutation', () => {
    const chrono = splitIndices(10, 0.2, 42, true);
    expect([...chrono.train]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...chrono.val]).toEqual([8, 9]);
    const shuffled = splitIndices(10, 0.2, 42);
    expect([...shuffled.train, ...shuffled.val].sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect([...shuffled.val]).not.toEqual([8, 9]);
  });

  it('token ids go to the model as int32 when its Input is int32', async () => {
    await tf.setBackend('cpu');
    const split = {
      x: Float32Array.from([5, 1, 0, 7, 2, 0]),
      y: Float32Array.from([1, 0]),
      count: 2,
    };
    const [x, y] = batchTensors(tf, split, [1, 0], [3], 'int32');
    expect(x.dtype).toBe('int32');
    expect(await x.array()).toEqual([
      [7, 2, 0],
      [5, 1, 0],
    ]);
    tf.dispose([x, y]);
    const input = tf.input({ shape: [3], dtype: 'int32' });
    const model = tf.model({
      inputs: input,
      outputs: tf.layers.dense({ units: 1 }).apply(input) as tf.SymbolicTensor,
    });
    expect(modelInputDtype(model)).toBe('int32');
    model.dispose();
  });
});
