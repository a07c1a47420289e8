/**
 * The data loaders of generated scripts for the time series (windowing) and the topic sentences
 * (tokenizer): constants and Python functions that build the same examples as
 * shared/datasets/window.ts and shared/datasets/tokenizer.ts, written out to be read.
 * tests/py/sequence-loaders.test.ts runs them against the TypeScript.
 */
import { TOPIC_CLASSES } from '../datasets/topics/sentences.ts';
import { DEFAULT_TOKENIZER, TOPICS_FILE, VOCAB_FILE } from '../datasets/tokenizer.ts';
import { DEFAULT_WINDOW, SERIES_SETS, type SeriesSet } from '../datasets/window.ts';
import type { TrainingSettings } from '../graph/project.ts';
import { PyWriter, pyNumber, pyString } from './py-writer.ts';

/** The windowing and tokenizer choices the time-series and text loaders read. */
export type DataChoices = Partial<Pick<TrainingSettings, 'window' | 'tokenizer'>>;

/** The built-in time series names. */
export type SeriesName = 'co2' | 'seattle-weather';

/** `DATA_FILE`, `COLUMNS`, `TARGET`, `WINDOW`, `HORIZON`, `NORMALIZE`, `TEST_FRACTION`. */
export function writeSeriesConstants(w: PyWriter, dataset: SeriesName, choices: DataChoices): void {
  const set: SeriesSet = SERIES_SETS[dataset];
  const win = choices.window ?? DEFAULT_WINDOW;
  w.line(`DATA_FILE = ${pyString(set.file)}  # path to the CSV file (from vega-datasets)`);
  w.line(
    `COLUMNS = [${set.columns.map(pyString).join(', ')}]  # the columns read: one feature each`,
  );
  w.line(`TARGET = ${pyString(set.target)}  # the column whose future value is predicted`);
  w.line(`WINDOW = ${pyNumber(win.length)}  # steps per example`);
  w.line(`HORIZON = ${pyNumber(win.horizon)}  # predict the value this many steps after a window`);
  w.line(
    `NORMALIZE = ${win.normalize ? 'True' : 'False'}  # standardise with the training part's statistics`,
  );
  w.line('TEST_FRACTION = 0.2  # the last 20% of the steps: the test part, kept apart');
}

/** `DATA_FILE`, `VOCAB_FILE`, `CLASSES`, `VOCAB_SIZE`, `SEQUENCE_LENGTH`. */
export function writeTopicsConstants(w: PyWriter, choices: DataChoices): void {
  const tok = choices.tokenizer ?? DEFAULT_TOKENIZER;
  w.line(`DATA_FILE = ${pyString(TOPICS_FILE)}  # the sentences: text, label, split`);
  w.line(`VOCAB_FILE = ${pyString(VOCAB_FILE)}  # the vocabulary Netwright trained with`);
  w.line(`CLASSES = [${TOPIC_CLASSES.map(pyString).join(', ')}]  # class ids 0, 1, 2, 3`);
  w.line(
    `VOCAB_SIZE = ${pyNumber(tok.vocabSize)}  # ids 0..VOCAB_SIZE-1: 0 padding, 1 unknown word, then words`,
  );
  w.line(
    `SEQUENCE_LENGTH = ${pyNumber(tok.sequenceLength)}  # ids per sentence: padded with 0 or cut`,
  );
}

const DOC = '"""';

/**
 * `make_windows` and `load_data` for a time series: the windows of shared/datasets/window.ts
 * (`seriesCut`, `columnStats`, `makeWindows`) over the training part. Needs `data_path`.
 */
export function writeSeriesLoadData(w: PyWriter, dataset: SeriesName): void {
  const set: SeriesSet = SERIES_SETS[dataset];
  w.block('def make_windows(series, target, window, horizon):', () => {
    w.line(`${DOC}Sliding windows over a series of shape (steps, features), in time order.`);
    w.line('');
    w.line('Example i is steps i .. i+window-1, shape (window, features): steps, channels, as');
    w.line("Keras's Conv1D and LSTM take them. Its target is column `target` at step");
    w.line('i+window-1+horizon. Returns x (n, window, features) and y (n,), where');
    w.line('n = steps - window - horizon + 1.');
    w.line(DOC);
    w.line('n = len(series) - window - horizon + 1');
    w.line('x = np.stack([series[i : i + window] for i in range(n)])');
    w.line('y = np.array([series[i + window - 1 + horizon, target] for i in range(n)])');
    w.line('return x.astype("float32"), y.astype("float32")');
  });
  w.blank(2);
  const title = `${set.title}: ${set.description}`
    .replace(/₂/g, '2')
    .replace(/’/g, "'")
    .replace(/–/g, '-');
  w.block('def load_data(data_dir=None):', () => {
    w.line(`${DOC}${title}.`);
    w.line('');
    w.line('The series is cut in time: its last TEST_FRACTION of steps is the test part, kept');
    w.line('apart. The examples are the windows lying wholly in the training part, in time');
    w.line('order (so validation_split holds out the latest ones), as Netwright builds them.');
    w.line(DOC);
    w.line('df = pd.read_csv(data_path(data_dir)).dropna(subset=COLUMNS)');
    w.line('series = df[COLUMNS].to_numpy(dtype="float64")  # (steps, features), oldest first');
    w.line(
      'cut = len(series) - int(len(series) * TEST_FRACTION + 0.5)  # the test part starts here',
    );
    w.block('if NORMALIZE:', () => {
      w.comment('Mean 0, spread 1 per column, with statistics of the training part only.');
      w.line('mean = series[:cut].mean(axis=0)');
      w.line('std = series[:cut].std(axis=0)');
      w.line('std[std == 0] = 1');
      w.line('series = (series - mean) / std');
    });
    w.line('x, y = make_windows(series[:cut], COLUMNS.index(TARGET), WINDOW, HORIZON)');
    w.line('return x.reshape((len(x),) + INPUT_SHAPE), y  # e.g. (n, WINDOW, 1), or flat');
  });
}

/**
 * `tokenize`, `build_vocabulary`, `encode` and `load_data` for the topic sentences: the tokenizer
 * of shared/datasets/tokenizer.ts in Python. Needs `data_path`, `json`, `os` and `re`.
 */
export function writeTopicsLoadData(w: PyWriter): void {
  w.block('def tokenize(text):', () => {
    w.line(`${DOC}The words of a text: lower-cased, split on everything that is not a-z.${DOC}`);
    w.line('return [word for word in re.split(r"[^a-z]+", text.lower()) if word]');
  });
  w.blank(2);
  w.block('def build_vocabulary(texts, size):', () => {
    w.line(`${DOC}["<pad>", "<oov>"] and the size - 2 most frequent words (index = id).`);
    w.line('');
    w.line('Words with equal counts keep the order in which they first appear (sorted is stable).');
    w.line(DOC);
    w.line('counts = {}');
    w.block('for text in texts:', () => {
      w.block('for word in tokenize(text):', () => {
        w.line('counts[word] = counts.get(word, 0) + 1');
      });
    });
    w.line('words = sorted(counts, key=lambda word: -counts[word])');
    w.line('return ["<pad>", "<oov>"] + words[: size - 2]');
  });
  w.blank(2);
  w.block('def encode(text, ids, length):', () => {
    w.line(
      `${DOC}A text as \`length\` ids: each word's id (1 if unknown), cut or padded with 0.${DOC}`,
    );
    w.line('seq = [ids.get(word, 1) for word in tokenize(text)][:length]');
    w.line('return seq + [0] * (length - len(seq))');
  });
  w.blank(2);
  w.block('def load_data(data_dir=None):', () => {
    w.line(`${DOC}Topic sentences: 400 short sentences on weather, food, sport and computers.`);
    w.line('');
    w.line('Returns the training sentences (split "train"; the test ones are kept apart) as');
    w.line('SEQUENCE_LENGTH word ids each, and their class ids. The vocabulary is VOCAB_FILE when');
    w.line('present (the one Netwright trained with), else built from the training sentences.');
    w.line(DOC);
    w.line('df = pd.read_csv(data_path(data_dir), keep_default_na=False)');
    w.line('train = df[df["split"] == "train"]');
    w.line('vocab_file = os.path.join(data_dir, VOCAB_FILE) if data_dir else VOCAB_FILE');
    w.block('if os.path.exists(vocab_file):', () => {
      w.block('with open(vocab_file, encoding="utf-8") as f:', () => {
        w.line('vocabulary = json.load(f)');
      });
    });
    w.block('else:', () => {
      w.line('vocabulary = build_vocabulary(train["text"], VOCAB_SIZE)');
    });
    w.line('ids = {word: i for i, word in enumerate(vocabulary) if i >= 2}');
    w.line('x = np.array([encode(text, ids, SEQUENCE_LENGTH) for text in train["text"]])');
    w.line('y = np.array([CLASSES.index(label) for label in train["label"]])');
    w.line('return x.astype("int64").reshape((len(x),) + INPUT_SHAPE), y.astype("int64")');
  });
}
