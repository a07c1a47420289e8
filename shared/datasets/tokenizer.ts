/**
 * A word tokenizer to fixed-length id sequences, for text classification, and the built-in topic
 * sentences as a data set. The generated Keras and PyTorch scripts hold the same tokenizer
 * written in Python (shared/codegen/datasets.ts); tests/py checks that both give the same ids.
 */
import { TOPIC_CLASSES, TOPIC_SENTENCES } from './topics/sentences.ts';
import type { Dataset, Split } from './types.ts';

/** The tokenizer choices of a project (`training.tokenizer`). */
export interface TokenizerOptions {
  /**
   * Number of ids, padding and out-of-vocabulary included: ids run `0 … vocabSize−1`, so an
   * Embedding needs `input_dim = vocabSize`; the `vocabSize − 2` most frequent training words get
   * ids 2, 3, … (≥ 3).
   */
  vocabSize: number;
  /** Sequence length L: ids per example; shorter texts are padded with 0, longer ones cut (≥ 1). */
  sequenceLength: number;
}

/** Defaults: 1000 ids, 16 ids per text. */
export const DEFAULT_TOKENIZER: TokenizerOptions = { vocabSize: 1000, sequenceLength: 16 };

/** Id of the padding after a text's last word. */
export const PAD_ID = 0;
/** Id of a word not in the vocabulary. */
export const OOV_ID = 1;
/** What the vocabulary lists at ids 0 and 1 (no word can be spelled so: words are a–z only). */
export const PAD_TOKEN = '<pad>';
/** What the vocabulary lists at id 1 (OOV_ID). */
export const OOV_TOKEN = '<oov>';

/**
 * The words of a text: lower-cased (`toLowerCase`), split on every run of characters that are not
 * the ASCII letters a–z, empty pieces dropped. `"Don't stop!"` → `["don", "t", "stop"]`.
 */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w.length > 0);
}

/**
 * The vocabulary from training texts: index = id. `[PAD_TOKEN, OOV_TOKEN, w2, w3, …]` with the
 * `vocabSize − 2` most frequent words, by count (descending); words with the same count in the
 * order they first appear in `texts` (a stable sort, as Python's `sorted` is). Fewer entries when
 * the texts have fewer distinct words. Errors: `vocabSize` not a whole number ≥ 3.
 */
export function buildVocabulary(texts: Iterable<string>, vocabSize: number): string[] {
  if (!Number.isInteger(vocabSize) || vocabSize < 3)
    throw new Error(`the vocabulary size must be a whole number ≥ 3 (it is ${vocabSize})`);
  const counts = new Map<string, number>();
  for (const text of texts) for (const w of tokenize(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  return [PAD_TOKEN, OOV_TOKEN, ...words.slice(0, vocabSize - 2)];
}

/**
 * A text as `length` ids: each word's id in `vocabulary` (OOV_ID for words not in it), the first
 * `length` words kept, then PAD_ID up to `length`. Shape `(length)`.
 */
export function encodeText(
  text: string,
  ids: ReadonlyMap<string, number>,
  length: number,
): Int32Array {
  const out = new Int32Array(length); // zeros: PAD_ID
  const words = tokenize(text);
  for (let i = 0; i < Math.min(length, words.length); i++) out[i] = ids.get(words[i]!) ?? OOV_ID;
  return out;
}

/** Word → id for a vocabulary list (padding and OOV entries left out). */
export function vocabularyIds(vocabulary: readonly string[]): Map<string, number> {
  const ids = new Map<string, number>();
  vocabulary.forEach((w, i) => {
    if (i >= 2) ids.set(w, i);
  });
  return ids;
}

/** One labelled text. */
export interface LabelledText {
  text: string;
  /** Class id `0 … classes.length−1`. */
  label: number;
  split: 'train' | 'test';
}

/** What `textDataset` builds: names, class names (index = class id) and the tokenizer. */
export interface TextDatasetOptions {
  id: string;
  title: string;
  classes: readonly string[];
  tokenizer: TokenizerOptions;
  notes?: string[];
}

/**
 * A text classification data set: the vocabulary is built from the `train` rows only, then every
 * text becomes `sequenceLength` ids. `featureShape = [L]`; `x` holds the ids (whole numbers in a
 * Float32Array, exact below 2²⁴; the trainer feeds them as int32 when the Input's dtype is int32);
 * `y` the class ids. Rows keep their order within each split. Errors: an Error naming the data
 * set for a bad option or a label outside the classes.
 */
export function textDataset(rows: readonly LabelledText[], options: TextDatasetOptions): Dataset {
  const { vocabSize, sequenceLength: L } = options.tokenizer;
  if (!Number.isInteger(L) || L < 1)
    throw new Error(
      `${options.title}: the sequence length must be a whole number ≥ 1 (it is ${L})`,
    );
  const train = rows.filter((r) => r.split === 'train');
  const test = rows.filter((r) => r.split === 'test');
  let vocabulary: string[];
  try {
    vocabulary = buildVocabulary(
      train.map((r) => r.text),
      vocabSize,
    );
  } catch (e) {
    throw new Error(`${options.title}: ${(e as Error).message}`, { cause: e });
  }
  const ids = vocabularyIds(vocabulary);
  const encode = (part: readonly LabelledText[]): Split => {
    const x = new Float32Array(part.length * L);
    const y = new Float32Array(part.length);
    part.forEach((r, i) => {
      if (!Number.isInteger(r.label) || r.label < 0 || r.label >= options.classes.length)
        throw new Error(`${options.title}: label ${r.label} of "${r.text}" is not a class id`);
      x.set(encodeText(r.text, ids, L), i * L);
      y[i] = r.label;
    });
    return { x, y, count: part.length };
  };
  return {
    id: options.id,
    title: options.title,
    featureShape: [L],
    featureNames: [],
    task: {
      kind: 'classification',
      numClasses: options.classes.length,
      classNames: [...options.classes],
    },
    train: encode(train),
    test: test.length > 0 ? encode(test) : null,
    notes: [
      ...(options.notes ?? []),
      `${vocabulary.length - 2} words in the vocabulary (from the training sentences; id 0 = padding, 1 = unknown word), ${L} ids per sentence`,
    ],
    vocabulary,
    inputDtype: 'int32',
  };
}

/**
 * The built-in topic sentences as rows, interleaved by class (sentence k of every class, then
 * k+1, …) so that any end slice (Keras's validation_split takes the last examples) holds every
 * class; the 5th, 10th, … sentence of each class is a test row (80 train, 20 test per class).
 */
export function topicRows(): LabelledText[] {
  const byClass = TOPIC_CLASSES.map((_, c) => TOPIC_SENTENCES.filter(([l]) => l === c));
  const most = Math.max(...byClass.map((s) => s.length));
  const rows: LabelledText[] = [];
  for (let k = 0; k < most; k++)
    for (const sentences of byClass) {
      const s = sentences[k];
      if (s) rows.push({ text: s[1], label: s[0], split: k % 5 === 4 ? 'test' : 'train' });
    }
  return rows;
}

/** The topic sentences (400, 4 classes: weather, food, sport, computers), tokenized as asked. */
export function topicsDataset(tokenizer: TokenizerOptions = DEFAULT_TOKENIZER): Dataset {
  return textDataset(topicRows(), {
    id: 'topics',
    title: 'topic sentences',
    classes: TOPIC_CLASSES,
    tokenizer,
  });
}

/** File name of the topic sentences in a Python project's `data/` (`DATA_FILE`). */
export const TOPICS_FILE = 'topics.csv';
/** File name of the vocabulary in a Python project's `data/` (a JSON list, index = id). */
export const VOCAB_FILE = 'vocab.json';

/**
 * The topic sentences as the CSV the generated scripts read: columns `text,label,split` (label =
 * class name), rows in `topicRows` order. No sentence holds a comma or quote that needs quoting
 * beyond RFC 4180's rule, which is applied anyway.
 */
export function topicsCsv(): string {
  const cell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return ['text,label,split']
    .concat(topicRows().map((r) => [cell(r.text), TOPIC_CLASSES[r.label]!, r.split].join(',')))
    .join('\n')
    .concat('\n');
}
