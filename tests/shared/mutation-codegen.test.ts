/**
 * Tests written from the survivors of a mutation run over shared/codegen (issue 17 item 7, see
 * docs/testing.md): the parts of the generated Keras and PyTorch scripts that the golden files
 * (mnist-mlp only) never reach: every data set's loader, the CSV import choices, the time-series
 * and text loaders, the optimizers, losses, distributed and TensorBoard variants, nn.Sequential
 * style and the helpers. The expected Python is written out here by hand (and read as Python:
 * pandas / numpy / torch / Keras calls as their docs give them); tests/py runs such scripts.
 */
import { describe, expect, it } from 'vitest';
import { generateCode, type Framework } from '../../shared/codegen/index.ts';
import type { PytorchOptions } from '../../shared/codegen/pytorch.ts';
import type { TrainingSettings } from '../../shared/graph/project.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { graphOf } from './graph-builder.ts';

/** The generated script for a template with some training settings changed. */
function script(
  template: string,
  framework: Framework,
  training: Partial<TrainingSettings> = {},
  options: PytorchOptions = {},
): string {
  const project = loadTemplate(template);
  Object.assign(project.training, training);
  const result = generateCode(project, framework, options);
  if (!result.ok) throw new Error(`${template} must lower`);
  return result.code.code;
}

/** Both frameworks' scripts (the data loaders are the same text in both). */
function both(template: string, training: Partial<TrainingSettings> = {}): string[] {
  return [script(template, 'keras', training), script(template, 'pytorch', training)];
}

const DATA_PATH = `
def data_path(data_dir=None):
    """DATA_FILE, inside the folder data_dir when given."""
    return os.path.join(data_dir, DATA_FILE) if data_dir else DATA_FILE
`;

describe('data set loaders', () => {
  it('spiral, circles and xor: numpy points of two classes', () => {
    const spiral = `
def load_data(n=1000, noise=0.05):
    """Two interleaved spirals of 2-D points, labelled 0 and 1."""
    rng = np.random.default_rng(SEED)
    y = rng.integers(0, 2, n)
    t = rng.uniform(0.25, 1.0, n) * 3 * np.pi  # how far along its arm a point lies
    angle = t + np.pi * y  # the second arm is the first turned by half a circle
    x = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1) / (3 * np.pi)
    x += rng.normal(0, noise, x.shape)
    return x.astype("float32").reshape((len(x),) + INPUT_SHAPE), y
`;
    const circles = `
def load_data(n=1000, noise=0.1):
    """2-D points on two rings: the inner ring is class 1, the outer class 0."""
    rng = np.random.default_rng(SEED)
    y = rng.integers(0, 2, n)
    radius = np.where(y == 1, 0.5, 1.0) + rng.normal(0, noise, n)
    angle = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return x.astype("float32").reshape((len(x),) + INPUT_SHAPE), y
`;
    const xor = `
def load_data(n=1000):
    """2-D points in [-1, 1]²: class 1 where exactly one coordinate is negative."""
    rng = np.random.default_rng(SEED)
    x = rng.uniform(-1, 1, (n, 2))
    y = (x[:, 0] * x[:, 1] < 0).astype("int64")
    return x.astype("float32").reshape((len(x),) + INPUT_SHAPE), y
`;
    for (const [dataset, loader] of [
      ['spiral', spiral],
      ['circles', circles],
      ['xor', xor],
    ] as const) {
      for (const code of both('toy-2d-classifier', { dataset })) {
        expect(code).toContain(loader);
        // Generated points need no files: no --data flag, no os, no pandas, no DATA_FILE.
        expect(code).not.toContain('import os');
        expect(code).not.toContain('pandas');
        expect(code).not.toContain('DATA_FILE');
        expect(code).not.toContain('--data');
        expect(code).toContain('main(args.weights, None, epochs=args.epochs, limit=args.limit)');
        expect(code).toMatch(/pip install (tensorflow|torch) numpy\n/);
      }
    }
  });

  it('blobs: one blob per class, as many classes as softmax units (2 for one sigmoid unit)', () => {
    const blobs = (k: number) => `
def load_data(n=1000, classes=${k}):
    """Gaussian blobs of 2-D points, one blob per class, centres on a circle."""
    rng = np.random.default_rng(SEED)
    y = rng.integers(0, classes, n)
    angle = 2 * np.pi * y / classes
    centres = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    x = centres + rng.normal(0, 0.3, (n, 2))
    return x.astype("float32").reshape((len(x),) + INPUT_SHAPE), y
`;
    for (const code of both('toy-2d-classifier', { dataset: 'blobs' })) {
      expect(code).toContain(blobs(2));
    }
    // mnist-mlp ends in Dense(10, softmax): ten blobs.
    for (const code of both('mnist-mlp', { dataset: 'blobs' })) expect(code).toContain(blobs(10));
  });

  it('penguins: Island one-hot, four measurements standardised, Sex one-hot (9 features)', () => {
    const loader = `
PENGUIN_MEASUREMENTS = [
    "Beak Length (mm)",
    "Beak Depth (mm)",
    "Flipper Length (mm)",
    "Body Mass (g)",
]


def load_data(data_dir=None):
    """Palmer penguins: island, four body measurements and sex; the species to predict.

    DATA_FILE is vega-datasets' penguins.json saved as CSV. The 9 features are built as
    Netwright builds them: Island one-hot, the measurements standardised, Sex one-hot.
    """
    df = pd.read_csv(data_path(data_dir)).dropna()
    df = df[df["Sex"].isin(["FEMALE", "MALE"])]  # a few rows have "." for sex
    numbers = df[PENGUIN_MEASUREMENTS].to_numpy(dtype="float32")
    # Standardise each number (mean 0, spread 1): raw units differ widely in scale.
    numbers = (numbers - numbers.mean(axis=0)) / numbers.std(axis=0)
    # A category becomes one 0/1 column per value (one-hot), in a fixed order.
    island = pd.Categorical(df["Island"], categories=["Biscoe", "Dream", "Torgersen"])
    island = pd.get_dummies(island, dtype="float32").to_numpy()
    sex = pd.Categorical(df["Sex"], categories=["FEMALE", "MALE"])
    sex = pd.get_dummies(sex, dtype="float32").to_numpy()
    x = np.concatenate([island, numbers, sex], axis=1)
    # Species names become class ids 0, 1, 2 (Adelie, Chinstrap, Gentoo).
    y = pd.Categorical(df["Species"], categories=["Adelie", "Chinstrap", "Gentoo"]).codes
    return x.reshape((len(x),) + INPUT_SHAPE), y.astype("int64")
`;
    for (const code of both('toy-2d-classifier', { dataset: 'penguins' })) {
      expect(code).toContain('DATA_FILE = "penguins.csv"  # path to the CSV file\n');
      expect(code).toContain(`${DATA_PATH}\n${loader}`);
      expect(code).toContain('\nimport os\n');
      expect(code).toContain('\nimport pandas as pd\n');
    }
    const [keras, torch] = both('toy-2d-classifier', { dataset: 'penguins' });
    expect(keras).toContain('    pip install tensorflow numpy pandas\n');
    expect(torch).toContain('    pip install torch numpy pandas\n');
  });

  it('cars: six numbers standardised, then Origin one-hot; miles per gallon as the target', () => {
    const loader = `
CAR_FEATURES = [
    "Cylinders",
    "Displacement",
    "Horsepower",
    "Weight_in_lbs",
    "Acceleration",
    "Year",
]


def load_data(data_dir=None):
    """Cars of the 1970s: engine and body figures, and the miles per gallon to predict.

    DATA_FILE is vega-datasets' cars.json saved as CSV. The 9 features are built as
    Netwright builds them: six numbers standardised, then Origin one-hot.
    """
    df = pd.read_csv(data_path(data_dir)).dropna(subset=CAR_FEATURES + ["Origin", "Miles_per_Gallon"])
    df["Year"] = pd.to_datetime(df["Year"]).dt.year
    numbers = df[CAR_FEATURES].to_numpy(dtype="float32")
    # Standardise each number (mean 0, spread 1): raw units differ widely in scale.
    numbers = (numbers - numbers.mean(axis=0)) / numbers.std(axis=0)
    # A category becomes one 0/1 column per value (one-hot), in a fixed order.
    origin = pd.Categorical(df["Origin"], categories=["USA", "Europe", "Japan"])
    origin = pd.get_dummies(origin, dtype="float32").to_numpy()
    x = np.concatenate([numbers, origin], axis=1)
    y = df["Miles_per_Gallon"].to_numpy(dtype="float32")
    return x.reshape((len(x),) + INPUT_SHAPE), y
`;
    for (const code of both('regression-mlp')) {
      expect(code).toContain('DATA_FILE = "cars.csv"  # path to the CSV file\n');
      expect(code).toContain(loader);
    }
  });

  it('a CSV without saved choices: the last column is the target', () => {
    const head = `
def load_data(data_dir=None):
    """A CSV file: the last column is the target, the others are the features."""
    df = pd.read_csv(data_path(data_dir)).dropna()
    x = df.iloc[:, :-1].to_numpy(dtype="float32")
    # Standardise each feature (mean 0, spread 1): raw units differ widely in scale.
    x = (x - x.mean(axis=0)) / x.std(axis=0)
`;
    for (const code of both('toy-2d-classifier', { dataset: 'csv' })) {
      expect(code).toContain('DATA_FILE = "data.csv"  # path to the CSV file\n');
      expect(code).toContain(
        `${head}    # Class names (or numbers) become class ids 0, 1, 2, ...
    y = pd.Categorical(df.iloc[:, -1]).codes.astype("int64")
    return x.reshape((len(x),) + INPUT_SHAPE), y
`,
      );
      expect(code).toContain('--data data  # read the data set from the folder data/ (offline)');
      expect(code).toContain('main(args.weights, args.data, epochs=args.epochs, limit=args.limit)');
    }
    for (const code of both('regression-mlp', { dataset: 'csv' })) {
      expect(code).toContain(
        `${head}    y = df.iloc[:, -1].to_numpy(dtype="float32")
    return x.reshape((len(x),) + INPUT_SHAPE), y
`,
      );
    }
  });

  /** The CSV loader with saved choices; `scale` is the line for number columns, if any. */
  const csvLoader = (scale: string, y: string) => `
def load_data(data_dir=None):
    """A CSV file: TARGET is predicted from the other columns, except IGNORED ones."""
    df = pd.read_csv(data_path(data_dir)).drop(columns=IGNORED).dropna()
    target = df.pop(TARGET)
    # Features in the file's column order, as Netwright builds them: a number column
    # is scaled, a text column becomes one 0/1 column per value (one-hot, sorted).
    columns = []
    for name in df.columns:
        values = df[name]
        if pd.api.types.is_numeric_dtype(values):
            values = values.astype("float32")
${scale}            columns.append(values.to_frame())
        else:
            columns.append(pd.get_dummies(values, prefix=name, dtype="float32"))
    x = pd.concat(columns, axis=1).to_numpy(dtype="float32")
${y}    return x.reshape((len(x),) + INPUT_SHAPE), y
`;

  it('CSV choices left in a project that now trains on penguins are not written', () => {
    const csv = {
      fileName: 'old.csv',
      target: 'kind',
      task: 'classification' as const,
      normalization: 'standard' as const,
      ignore: [],
    };
    for (const code of both('toy-2d-classifier', { dataset: 'penguins', csv })) {
      expect(code).toContain('SEED = 42\nDATA_FILE = "penguins.csv"  # path to the CSV file\n\n');
      expect(code).not.toContain('old.csv');
      expect(code).not.toContain('TARGET');
    }
  });

  it('a CSV with saved choices: escaped names, the target column, the left-out columns', () => {
    const csv = {
      fileName: 'my "data".csv',
      target: 'kind',
      task: 'classification' as const,
      normalization: 'minmax' as const,
      ignore: ['id', 'name'],
    };
    for (const code of both('toy-2d-classifier', { dataset: 'csv', csv })) {
      expect(code).toContain(`SEED = 42
DATA_FILE = "my \\"data\\".csv"  # path to the CSV file
TARGET = "kind"  # the column to predict
IGNORED = ["id", "name"]  # columns left out
`);
      expect(code).toContain(
        csvLoader(
          '            values = (values - values.min()) / (values.max() - values.min())  # 0..1\n',
          `    # Class names (or numbers) become class ids 0, 1, 2, ... in sorted order.
    y = pd.Categorical(target).codes.astype("int64")
`,
        ),
      );
    }
    const regression = (normalization: 'standard' | 'none', ignore: string[]) =>
      both('regression-mlp', {
        dataset: 'csv',
        csv: { fileName: 'd.csv', target: 'y', task: 'regression', normalization, ignore },
      });
    const yValues = '    y = target.to_numpy(dtype="float32")\n';
    for (const code of regression('standard', ['a'])) {
      expect(code).toContain('IGNORED = ["a"]  # columns left out\n');
      expect(code).toContain(
        csvLoader(
          '            values = (values - values.mean()) / values.std(ddof=0)  # mean 0, spread 1\n',
          yValues,
        ),
      );
    }
    for (const code of regression('none', [])) {
      expect(code).toContain('IGNORED = []  # columns left out\n');
      expect(code).toContain(csvLoader('', yValues));
    }
  });

  it('a time series: the window settings, the training part cut off in time', () => {
    const constants = (length: number, horizon: number, normalize: string) => `
DATA_FILE = "seattle-weather.csv"  # path to the CSV file (from vega-datasets)
COLUMNS = ["temp_max", "temp_min", "precipitation", "wind"]  # the columns read: one feature each
TARGET = "temp_max"  # the column whose future value is predicted
WINDOW = ${length}  # steps per example
HORIZON = ${horizon}  # predict the value this many steps after a window
NORMALIZE = ${normalize}  # standardise with the training part's statistics
TEST_FRACTION = 0.2  # the last 20% of the steps: the test part, kept apart
`;
    const loader = `${DATA_PATH}

def make_windows(series, target, window, horizon):
    """Sliding windows over a series of shape (steps, features), in time order.

    Example i is steps i .. i+window-1, shape (window, features): steps, channels, as
    Keras's Conv1D and LSTM take them. Its target is column \`target\` at step
    i+window-1+horizon. Returns x (n, window, features) and y (n,), where
    n = steps - window - horizon + 1.
    """
    n = len(series) - window - horizon + 1
    x = np.stack([series[i : i + window] for i in range(n)])
    y = np.array([series[i + window - 1 + horizon, target] for i in range(n)])
    return x.astype("float32"), y.astype("float32")


def load_data(data_dir=None):
    """Seattle weather: daily weather 2012-2015: tomorrow's highest temperature (°C).

    The series is cut in time: its last TEST_FRACTION of steps is the test part, kept
    apart. The examples are the windows lying wholly in the training part, in time
    order (so validation_split holds out the latest ones), as Netwright builds them.
    """
    df = pd.read_csv(data_path(data_dir)).dropna(subset=COLUMNS)
    series = df[COLUMNS].to_numpy(dtype="float64")  # (steps, features), oldest first
    cut = len(series) - int(len(series) * TEST_FRACTION + 0.5)  # the test part starts here
    if NORMALIZE:
        # Mean 0, spread 1 per column, with statistics of the training part only.
        mean = series[:cut].mean(axis=0)
        std = series[:cut].std(axis=0)
        std[std == 0] = 1
        series = (series - mean) / std
    x, y = make_windows(series[:cut], COLUMNS.index(TARGET), WINDOW, HORIZON)
    return x.reshape((len(x),) + INPUT_SHAPE), y  # e.g. (n, WINDOW, 1), or flat
`;
    const weather = { dataset: 'seattle-weather' as const };
    for (const code of both('co2-forecast', {
      ...weather,
      window: { length: 5, horizon: 2, normalize: false },
    })) {
      expect(code).toContain(constants(5, 2, 'False'));
      expect(code).toContain(loader);
    }
    // No window settings saved: 12 steps, the next step, normalised.
    for (const code of both('co2-forecast', weather)) {
      expect(code).toContain(constants(12, 1, 'True'));
    }
    // The CO2 template's own series: one column, the defaults.
    for (const code of both('co2-forecast')) {
      expect(code).toContain(`
DATA_FILE = "co2-concentration.csv"  # path to the CSV file (from vega-datasets)
COLUMNS = ["CO2"]  # the columns read: one feature each
TARGET = "CO2"  # the column whose future value is predicted
WINDOW = 12  # steps per example
`);
    }
    // CO2's title: the subscript 2 and the typographic quote/dash become ASCII in the docstring.
    for (const code of both('co2-forecast')) {
      const doc = /def load_data\(data_dir=None\):\n {4}"""(.*)\n/.exec(code)?.[1] ?? '';
      expect(doc).toMatch(/^[\x20-\x7e°]*\.$/);
      expect(doc).toContain('CO2');
    }
  });

  it('the topic sentences: the tokenizer in Python, the saved vocabulary when present', () => {
    const constants = `
DATA_FILE = "topics.csv"  # the sentences: text, label, split
VOCAB_FILE = "vocab.json"  # the vocabulary Netwright trained with
CLASSES = ["weather", "food", "sport", "computers"]  # class ids 0, 1, 2, 3
VOCAB_SIZE = 500  # ids 0..VOCAB_SIZE-1: 0 padding, 1 unknown word, then words
SEQUENCE_LENGTH = 8  # ids per sentence: padded with 0 or cut
`;
    const loader = `${DATA_PATH}

def tokenize(text):
    """The words of a text: lower-cased, split on everything that is not a-z."""
    return [word for word in re.split(r"[^a-z]+", text.lower()) if word]


def build_vocabulary(texts, size):
    """["<pad>", "<oov>"] and the size - 2 most frequent words (index = id).

    Words with equal counts keep the order in which they first appear (sorted is stable).
    """
    counts = {}
    for text in texts:
        for word in tokenize(text):
            counts[word] = counts.get(word, 0) + 1
    words = sorted(counts, key=lambda word: -counts[word])
    return ["<pad>", "<oov>"] + words[: size - 2]


def encode(text, ids, length):
    """A text as \`length\` ids: each word's id (1 if unknown), cut or padded with 0."""
    seq = [ids.get(word, 1) for word in tokenize(text)][:length]
    return seq + [0] * (length - len(seq))


def load_data(data_dir=None):
    """Topic sentences: 400 short sentences on weather, food, sport and computers.

    Returns the training sentences (split "train"; the test ones are kept apart) as
    SEQUENCE_LENGTH word ids each, and their class ids. The vocabulary is VOCAB_FILE when
    present (the one Netwright trained with), else built from the training sentences.
    """
    df = pd.read_csv(data_path(data_dir), keep_default_na=False)
    train = df[df["split"] == "train"]
    vocab_file = os.path.join(data_dir, VOCAB_FILE) if data_dir else VOCAB_FILE
    if os.path.exists(vocab_file):
        with open(vocab_file, encoding="utf-8") as f:
            vocabulary = json.load(f)
    else:
        vocabulary = build_vocabulary(train["text"], VOCAB_SIZE)
    ids = {word: i for i, word in enumerate(vocabulary) if i >= 2}
    x = np.array([encode(text, ids, SEQUENCE_LENGTH) for text in train["text"]])
    y = np.array([CLASSES.index(label) for label in train["label"]])
    return x.astype("int64").reshape((len(x),) + INPUT_SHAPE), y.astype("int64")
`;
    for (const code of both('text-classifier', {
      tokenizer: { vocabSize: 500, sequenceLength: 8 },
    })) {
      expect(code).toContain(constants);
      expect(code).toContain(loader);
      expect(code).toContain('import argparse\nimport json\nimport re\nimport os\n');
    }
    for (const code of both('text-classifier')) {
      expect(code).toContain('VOCAB_SIZE = 1000  #');
      expect(code).toContain('SEQUENCE_LENGTH = 16  #');
    }
  });
});

/** mnist-mlp with its output Dense (`dense_3`, 10 units) given another activation. */
function mlpEndingIn(
  activation: string,
  framework: Framework,
  training: Partial<TrainingSettings> = {},
  options: PytorchOptions = {},
): string {
  const project = loadTemplate('mnist-mlp');
  const out = project.graph.nodes.find((n) => n.id === 'dense_3');
  if (!out) throw new Error('mnist-mlp has no dense_3');
  out.params.activation = activation;
  Object.assign(project.training, training);
  const result = generateCode(project, framework, options);
  if (!result.ok) throw new Error('mnist-mlp must lower');
  return result.code.code;
}

describe('Keras: compile, targets and training variants', () => {
  it('writes each optimizer with the learning rate (momentum 0.9 for "momentum")', () => {
    const optimizer = (name: TrainingSettings['optimizer']) =>
      /optimizer=(.*),\n/.exec(script('mnist-mlp', 'keras', { optimizer: name }))?.[1];
    expect(optimizer('sgd')).toBe('keras.optimizers.SGD(learning_rate=LEARNING_RATE)');
    expect(optimizer('momentum')).toBe(
      'keras.optimizers.SGD(learning_rate=LEARNING_RATE, momentum=0.9)',
    );
    expect(optimizer('adam')).toBe('keras.optimizers.Adam(learning_rate=LEARNING_RATE)');
    expect(optimizer('rmsprop')).toBe('keras.optimizers.RMSprop(learning_rate=LEARNING_RATE)');
  });

  it('says why the loss fits, or that the outputs are logits, or how they do not fit', () => {
    const compile = (code: string) => /model\.compile\(\n([\s\S]*?)\n {4}\)\n/.exec(code)?.[1];
    const opt = '        optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),\n';
    // Softmax output, categorical CE on one-hot rows (10 classes).
    const cce = script('mnist-mlp', 'keras', { loss: 'categorical_crossentropy' });
    expect(compile(cce)).toBe(`${opt}        # Labels are one-hot rows and the output a softmax.
        loss="categorical_crossentropy",
        metrics=["accuracy"],`);
    expect(cce).toContain(`
    # categorical_crossentropy compares whole rows: turn class ids into one-hot rows.
    y = keras.utils.to_categorical(y, 10)
`);
    // Linear outputs: logits, from_logits=True with the loss class.
    expect(compile(mlpEndingIn('linear', 'keras', { loss: 'sparse_categorical_crossentropy' })))
      .toBe(`${opt}        # The last layer has no softmax/sigmoid: its outputs are logits.
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],`);
    expect(compile(mlpEndingIn('relu', 'keras', { loss: 'categorical_crossentropy' }))).toContain(
      'loss=keras.losses.CategoricalCrossentropy(from_logits=True),',
    );
    const linearBce = mlpEndingIn('linear', 'keras', { loss: 'binary_crossentropy' });
    expect(compile(linearBce))
      .toBe(`${opt}        # The last layer has no softmax/sigmoid: its outputs are logits.
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=["accuracy"],`);
    expect(linearBce).toContain(
      '\n    y = y.astype("float32").reshape(-1, 1)  # one target per example, like the output\n',
    );
    // Mismatches (W110): sigmoid units before a categorical CE, softmax before a binary CE.
    expect(compile(mlpEndingIn('sigmoid', 'keras', { loss: 'sparse_categorical_crossentropy' })))
      .toBe(`${opt}        # The output is sigmoid, not softmax: Keras divides each row by its sum to make it one.
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],`);
    expect(compile(script('mnist-mlp', 'keras', { loss: 'binary_crossentropy' })))
      .toBe(`${opt}        # The output is a softmax, not one sigmoid unit: each unit is taken as a probability.
        loss="binary_crossentropy",
        metrics=["accuracy"],`);
    // One sigmoid unit, binary CE.
    expect(compile(script('toy-2d-classifier', 'keras'))).toContain(
      '        # Labels are 0 or 1 and the output one sigmoid unit.\n        loss="binary_crossentropy",\n',
    );
    // mse on ten outputs: one-hot rows and categorical accuracy; on one output: mae.
    const mse = script('mnist-mlp', 'keras', { loss: 'mse' });
    expect(compile(mse))
      .toBe(`${opt}        # Mean squared error: the output is compared with the target values.
        loss="mse",
        metrics=["categorical_accuracy"],`);
    expect(mse).toContain(
      '    # mse compares whole rows: turn class ids into one-hot rows.\n    y = keras.utils.to_categorical(y, 10)\n',
    );
    expect(compile(script('regression-mlp', 'keras'))).toContain(
      '        loss="mse",\n        metrics=["mae"],',
    );
  });

  it('MirroredStrategy and TensorBoard', () => {
    const code = script(
      'mnist-cnn',
      'keras',
      { shuffle: false },
      {
        distributed: true,
        tensorboard: true,
      },
    );
    expect(code).toContain(`
Generated by Netwright from the project's graph:
7 layers, input (None, 28, 28, 1) → output (None, 10), 34,826 trainable parameters.
Training uses every GPU of this machine through tf.distribute.MirroredStrategy.
`);
    expect(code).toContain('    tensorboard --logdir logs\n"""');
    expect(code).toContain(
      'import numpy as np\nimport tensorflow as tf\nfrom tensorflow import keras\n',
    );
    expect(code).toContain('INPUT_SHAPE = (28, 28, 1)  # one image: height, width, channels\n');
    expect(code).toContain(
      'SHUFFLE = False\nSEED = 42\nLOG_DIR = "logs"  # TensorBoard reads its logs from here\n',
    );
    expect(code).toContain(`
    # MirroredStrategy keeps a copy of the model on each GPU of this machine and
    # averages their gradients after every batch. For several machines, use
    # tf.distribute.MultiWorkerMirroredStrategy() and set TF_CONFIG on each machine.
    strategy = tf.distribute.MirroredStrategy()
    print("Replicas:", strategy.num_replicas_in_sync)
    with strategy.scope():
        # Weights and optimizer state are created here, once per replica.
        model = build_model()
    # BATCH_SIZE is the global batch: each replica takes an equal share of it.
    if weights_file:
`);
    expect(code).toContain(`
        shuffle=SHUFFLE,
        callbacks=[keras.callbacks.TensorBoard(log_dir=LOG_DIR)],
    )
`);
    const plain = script('mnist-cnn', 'keras');
    expect(plain).not.toContain('tensorflow as tf');
    expect(plain).not.toContain('LOG_DIR');
    expect(plain).not.toContain('strategy');
    expect(plain).toContain('SHUFFLE = True\n');
  });

  it('without training: the functional model and a summary, no data, no argparse', () => {
    const code = script(
      'residual-block',
      'keras',
      { optimizer: 'rmsprop' },
      {
        includeTraining: false,
      },
    );
    expect(code).toBe(`"""Residual block: a Keras (TensorFlow 2) model.

Generated by Netwright from the project's graph:
6 layers, input (None, 784) → output (None, 10), 59,210 trainable parameters.
"""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

INPUT_SHAPE = (784,)  # one example

# Training settings from the project.
EPOCHS = 5
BATCH_SIZE = 64
LEARNING_RATE = 0.001
VALIDATION_SPLIT = 0.1
SHUFFLE = True
SEED = 42


def build_model():
    """The network, compiled with the project's optimizer, loss and metric."""
    inputs = keras.Input(shape=(784,), name="input_layer")
    project = layers.Dense(64, activation="relu", name="project")(inputs)
    dense_a = layers.Dense(64, activation="relu", name="dense_a")(project)
    dense_b = layers.Dense(64, name="dense_b")(dense_a)
    add = layers.Add(name="add")([dense_b, project])
    relu = layers.Activation("relu", name="relu")(add)
    output = layers.Dense(10, activation="softmax", name="output")(relu)
    model = keras.Model(inputs=inputs, outputs=output)
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=LEARNING_RATE),
        # Labels are class ids (0, 1, 2, ...) and the output a softmax.
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


# The arrays of each layer with weights, in the order set_weights() takes them.
WEIGHT_NAMES = {
    "project": ("kernel", "bias"),
    "dense_a": ("kernel", "bias"),
    "dense_b": ("kernel", "bias"),
    "output": ("kernel", "bias"),
}


def load_weights(model, path):
    """Loads a weights.npz exported by Netwright into a model made by build_model().

    The file holds one array per "<layer>/<array>" key, in Keras layouts. Returns the model.
    """
    with np.load(path) as arrays:
        for layer, names in WEIGHT_NAMES.items():
            model.get_layer(layer).set_weights([arrays[f"{layer}/{name}"] for name in names])
    return model


if __name__ == "__main__":
    build_model().summary()
`);
  });
});

describe('PyTorch: losses, targets, metrics and training variants', () => {
  it('writes each optimizer on the model parameters (RMSprop alpha = Keras rho)', () => {
    const optimizer = (name: TrainingSettings['optimizer']) =>
      /\n {4}optimizer = (.*)\n/.exec(script('mnist-mlp', 'pytorch', { optimizer: name }))?.[1];
    expect(optimizer('sgd')).toBe('torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)');
    expect(optimizer('momentum')).toBe(
      'torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=0.9)',
    );
    expect(optimizer('adam')).toBe('torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)');
    expect(optimizer('rmsprop')).toBe(
      'torch.optim.RMSprop(model.parameters(), lr=LEARNING_RATE, alpha=0.9)  # alpha = Keras rho',
    );
  });

  it('softmax before CrossEntropyLoss: logits in forward, predict_proba applies softmax', () => {
    const cce = script('mnist-mlp', 'pytorch', { loss: 'categorical_crossentropy' });
    expect(cce).toContain('    Output: logits (N, 10); predict_proba() gives probabilities.\n');
    expect(cce).toContain(`
    def predict_proba(self, x):
        """Probabilities: the softmax that forward() leaves to the loss."""
        return torch.softmax(self(x), dim=-1)
`);
    expect(cce).toContain(`
    # categorical cross-entropy: nn.CrossEntropyLoss takes the class ids directly.
    y = y.long()
`);
    expect(cce).toContain('    criterion = nn.CrossEntropyLoss()\n');
    expect(cce).toContain(
      '            total_metric += (outputs.argmax(dim=1) == targets).sum().item()\n',
    );
  });

  it('probabilities that stay in forward get Keras formulas (ProbabilityBCE, ProbabilityCrossEntropy)', () => {
    const bce = script('mnist-mlp', 'pytorch', { loss: 'binary_crossentropy' });
    expect(bce).toContain('    Output: (N, 10).\n');
    expect(bce).toContain('        x = torch.softmax(self.dense_3(x), dim=-1)\n');
    expect(bce).not.toContain('predict_proba');
    expect(bce).toContain(`
class ProbabilityBCE(nn.Module):
    """Keras's binary_crossentropy on probabilities: clipped to [1e-7, 1 - 1e-7]."""

    def forward(self, probs, targets):
        # (N, 1) targets are compared with every unit, as Keras broadcasts them.
        targets = targets.expand_as(probs)
        return nn.functional.binary_cross_entropy(probs.clamp(1e-7, 1 - 1e-7), targets)


def run_epoch(`);
    expect(bce).toContain(`
            predicted = (outputs > 0.5).float()  # the outputs are probabilities
            total_metric += (predicted == targets).sum().item()
`);
    expect(bce).toContain(
      '    y = y.float().reshape(-1, 1)  # one target per example, like the output\n',
    );
    expect(bce).toContain(
      '    criterion = ProbabilityBCE()  # the outputs are probabilities, as Keras takes them\n',
    );
    const sigmoid = mlpEndingIn('sigmoid', 'pytorch', { loss: 'sparse_categorical_crossentropy' });
    expect(sigmoid).toContain('        x = torch.sigmoid(self.dense_3(x))\n');
    expect(sigmoid).toContain(`
class ProbabilityCrossEntropy(nn.Module):
    """Keras's categorical cross-entropy on probabilities (from_logits=False).

    Each row is divided by its sum and clipped to [1e-7, 1 - 1e-7]; the loss is the mean
    of -log(probability of the label).
    """

    def forward(self, probs, targets):
        probs = (probs / probs.sum(dim=1, keepdim=True)).clamp(1e-7, 1 - 1e-7)
        return nn.functional.nll_loss(torch.log(probs), targets)
`);
    expect(sigmoid).toContain(
      '    y = y.long()  # class ids, as ProbabilityCrossEntropy expects\n',
    );
    expect(sigmoid).toContain(
      '    criterion = ProbabilityCrossEntropy()  # the outputs are probabilities, as Keras takes them\n',
    );
  });

  it('one sigmoid unit: logits to BCEWithLogitsLoss, accuracy from logit > 0', () => {
    const code = script('toy-2d-classifier', 'pytorch');
    expect(code).toContain('    Output: logits (N, 1); predict_proba() gives probabilities.\n');
    expect(code).toContain(`
        # No sigmoid here: nn.BCEWithLogitsLoss applies it to the logits itself, more stably.
        # predict_proba() applies it.
        x = self.output(x)
        return x

    def predict_proba(self, x):
        """Probabilities: the sigmoid that forward() leaves to the loss."""
        return torch.sigmoid(self(x))
`);
    expect(code).toContain(`
            predicted = (outputs > 0).float()  # logit > 0 means probability > 0.5
            total_metric += (predicted == targets).sum().item()
`);
    expect(code).toContain('    criterion = nn.BCEWithLogitsLoss()\n');
    // Linear outputs with a binary CE: logits too, but no activation to take over.
    const linear = mlpEndingIn('linear', 'pytorch', { loss: 'binary_crossentropy' });
    expect(linear).toContain('    criterion = nn.BCEWithLogitsLoss()\n');
    expect(linear).toContain('            predicted = (outputs > 0).float()');
    expect(linear).not.toContain('predict_proba');
  });

  it('mse: one-hot rows through F.one_hot for ten outputs, mean absolute error for one', () => {
    const code = script(
      'mnist-mlp',
      'pytorch',
      { loss: 'mse', validationSplit: 0 },
      {
        tensorboard: true,
      },
    );
    expect(code).toContain('import torch\nimport torch.nn.functional as F\nfrom torch import nn\n');
    expect(code).toContain(
      '    y = F.one_hot(y.long(), 10).float()  # one-hot rows, like the output\n',
    );
    expect(code).toContain(
      '            total_metric += (outputs.argmax(dim=1) == targets.argmax(dim=1)).sum().item()\n',
    );
    expect(code).toContain('    criterion = nn.MSELoss()\n');
    // No validation part, TensorBoard without distribution.
    expect(code).toContain(`
    y = F.one_hot(y.long(), 10).float()  # one-hot rows, like the output
    train_set = TensorDataset(x, y)
    train_loader = DataLoader(train_set, batch_size=BATCH_SIZE, shuffle=SHUFFLE)

    model = build_model().to(device)
`);
    expect(code).toContain(`
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    writer = SummaryWriter(LOG_DIR)

    for epoch in range(epochs):
        loss, accuracy = run_epoch(model, train_loader, criterion, device, optimizer)
        print(
            f"epoch {epoch + 1}/{epochs}  loss {loss:.4f}  accuracy {accuracy:.4f}"
        )
        writer.add_scalar("loss/train", loss, epoch)
        writer.add_scalar("accuracy/train", accuracy, epoch)
    writer.close()
    return model
`);
    expect(code).toContain('from torch.utils.tensorboard import SummaryWriter\n');
    expect(code).toContain('    tensorboard --logdir logs\n"""');
    const regression = script('regression-mlp', 'pytorch');
    expect(regression).toContain(
      '    """One pass over the data; trains when given an optimizer. Returns loss, mean absolute error."""\n',
    );
    expect(regression).toContain(
      '            total_metric += (outputs - targets).abs().mean(dim=1).sum().item()\n',
    );
    expect(regression).toContain(`
        loss, mae = run_epoch(model, train_loader, criterion, device, optimizer)
        val_loss, val_mae = run_epoch(model, val_loader, criterion, device)
        print(
            f"epoch {epoch + 1}/{epochs}  loss {loss:.4f}  mae {mae:.4f}"
            f"  val_loss {val_loss:.4f}  val_mae {val_mae:.4f}"
        )
`);
  });

  it('DistributedDataParallel under torchrun, with a validation part and TensorBoard on rank 0', () => {
    const code = script(
      'mnist-cnn',
      'pytorch',
      { optimizer: 'sgd', shuffle: false },
      {
        distributed: true,
        tensorboard: true,
      },
    );
    expect(code).toContain(`
Training runs in parallel with DistributedDataParallel: gloo on CPUs, nccl on GPUs.
For several machines add --nnodes=M --node_rank=I --rdzv_endpoint=HOST:PORT.

Run it with:

    pip install torch numpy  # + torchvision to download MNIST without --data

    torchrun --nproc_per_node=2 torch_model.py    # 2 processes on this machine
    torchrun --nproc_per_node=gpu torch_model.py  # one process per GPU
    tensorboard --logdir logs
"""

import argparse
import os

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler
from torch.utils.tensorboard import SummaryWriter
`);
    expect(code).toContain(`
    # Each process saw its own share of the data: add up the sums of all processes.
    sums = torch.tensor([total_loss, total_metric, count], dtype=torch.float64, device=device)
    dist.all_reduce(sums)
    total_loss, total_metric, count = sums.tolist()
    return total_loss / count, total_metric / count
`);
    expect(code).toContain(`
    # torchrun starts one process per GPU (or CPU worker) and tells each its RANK,
    # LOCAL_RANK and WORLD_SIZE; init_process_group reads them from the environment.
    use_cuda = torch.cuda.is_available()
    dist.init_process_group("nccl" if use_cuda else "gloo")
    rank = dist.get_rank()
    local_rank = int(os.environ["LOCAL_RANK"])
    device = torch.device(f"cuda:{local_rank}" if use_cuda else "cpu")
    if use_cuda:
        torch.cuda.set_device(device)
    torch.manual_seed(SEED)  # every process starts from the same weights
`);
    expect(code).toContain(`
    x = x.permute(0, 3, 1, 2)  # channels first: (N, H, W, C) → (N, C, H, W)
    y = y.long()  # class ids, as nn.CrossEntropyLoss expects
    # Hold out the last examples for validation, as Keras' validation_split does.
    n_train = len(x) - int(len(x) * VALIDATION_SPLIT)
    train_set = TensorDataset(x[:n_train], y[:n_train])
    val_set = TensorDataset(x[n_train:], y[n_train:])
    # Each process trains on its own share of the examples, a new split every epoch.
    # BATCH_SIZE is per process: the effective batch is BATCH_SIZE × WORLD_SIZE.
    sampler = DistributedSampler(train_set, shuffle=SHUFFLE, seed=SEED)
    train_loader = DataLoader(train_set, batch_size=BATCH_SIZE, sampler=sampler)
    val_sampler = DistributedSampler(val_set, shuffle=False)
    val_loader = DataLoader(val_set, batch_size=BATCH_SIZE, sampler=val_sampler)

    model = build_model().to(device)
    if weights_file:
        load_weights(model, weights_file)  # e.g. the weights trained in Netwright
    # DDP keeps the copies in step: backward() averages the gradients of all processes.
    ddp_model = DDP(model, device_ids=[local_rank] if use_cuda else None)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(ddp_model.parameters(), lr=LEARNING_RATE)
    writer = SummaryWriter(LOG_DIR) if rank == 0 else None

    for epoch in range(epochs):
        sampler.set_epoch(epoch)  # reshuffle, the same way on every process
        loss, accuracy = run_epoch(ddp_model, train_loader, criterion, device, optimizer)
        val_loss, val_accuracy = run_epoch(ddp_model, val_loader, criterion, device)
        if rank == 0:  # one process reports
            print(
                f"epoch {epoch + 1}/{epochs}  loss {loss:.4f}  accuracy {accuracy:.4f}"
                f"  val_loss {val_loss:.4f}  val_accuracy {val_accuracy:.4f}"
            )
            writer.add_scalar("loss/train", loss, epoch)
            writer.add_scalar("accuracy/train", accuracy, epoch)
            writer.add_scalar("loss/validation", val_loss, epoch)
            writer.add_scalar("accuracy/validation", val_accuracy, epoch)
    if writer is not None:
        writer.close()
    dist.barrier()  # every process has finished before any leaves
    dist.destroy_process_group()
    return model
`);
    // Without a validation part: no val sampler or loader.
    const noVal = script(
      'toy-2d-classifier',
      'pytorch',
      { validationSplit: 0 },
      {
        distributed: true,
      },
    );
    expect(noVal).toContain(`
    train_set = TensorDataset(x, y)
    # Each process trains on its own share of the examples, a new split every epoch.
    # BATCH_SIZE is per process: the effective batch is BATCH_SIZE × WORLD_SIZE.
    sampler = DistributedSampler(train_set, shuffle=SHUFFLE, seed=SEED)
    train_loader = DataLoader(train_set, batch_size=BATCH_SIZE, sampler=sampler)

`);
    expect(noVal).not.toContain('val_');
    expect(noVal).toContain('import argparse\nimport os\n');
  });

  it('nn.Sequential style: module indices for the weights, Permute helper, predict_proba(model, x)', () => {
    const code = script('mnist-cnn', 'pytorch', {}, { style: 'sequential' });
    // Sequential positions: Conv2d 0, ReLU 1, MaxPool 2, Conv2d 3, ReLU 4, MaxPool 5, Permute 6,
    // Flatten 7, Dropout 8, Linear 9.
    expect(code).toContain(`
class Permute(nn.Module):
    """Reorders the axes, e.g. Permute(0, 2, 3, 1): (N, C, H, W) → (N, H, W, C)."""

    def __init__(self, *dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return x.permute(*self.dims)


def build_model():
    """MNIST CNN, the network drawn in Netwright, as nn.Sequential.

    Input: (N, C, H, W) = (N, 1, 28, 28). Output: logits (N, 10).
    """
    return nn.Sequential(
        nn.Conv2d(1, 32, kernel_size=3),  # conv_1
        nn.ReLU(),
        nn.MaxPool2d(2),  # pool_1
        nn.Conv2d(32, 64, kernel_size=3),  # conv_2
        nn.ReLU(),
        nn.MaxPool2d(2),  # pool_2
        # flatten: Keras flattens channels last, (H, W, C): permute first so the order of the
        # values (and the weights of the next layer) match.
        Permute(0, 2, 3, 1),  # flatten
        nn.Flatten(),
        nn.Dropout(0.5),  # dropout
        # dense: No softmax here: nn.CrossEntropyLoss applies log-softmax to the logits itself, and
        # a second softmax would squash the gradients (the double-softmax bug). predict_proba()
        # applies it.
        nn.Linear(1600, 10),  # dense
    )


def predict_proba(model, x):
    """Probabilities: the softmax that the model leaves to the loss."""
    return torch.softmax(model(x), dim=-1)
`);
    expect(code).toContain(`
        copy_weight(model[0].weight, arrays, "conv_1/kernel", (3, 2, 0, 1))
        copy_weight(model[0].bias, arrays, "conv_1/bias")
        copy_weight(model[3].weight, arrays, "conv_2/kernel", (3, 2, 0, 1))
        copy_weight(model[3].bias, arrays, "conv_2/bias")
`);
    expect(code).toContain(`
        copy_weight(model[9].weight, arrays, "dense/kernel", (1, 0))
        copy_weight(model[9].bias, arrays, "dense/bias")
`);
    // Module style: channels-first input described, inline permute, no Permute class.
    const module = script('mnist-cnn', 'pytorch');
    expect(module).toContain(
      '    Input: (N, C, H, W) = (N, 1, 28, 28), channels first as PyTorch convolutions expect.\n',
    );
    expect(module).toContain('        x = x.permute(0, 2, 3, 1).flatten(1)\n');
    expect(module).not.toContain('class Permute');
  });

  it('an LSTM: no nn.Sequential (it returns a tuple), a parameter-count note, copy_array', () => {
    const project = loadTemplate('co2-forecast');
    project.name = 'Permute'; // a name the file defines: the class takes another
    project.graph = graphOf(
      [
        ['in', 'Input', { shape: [12, 1] }],
        ['lstm', 'LSTM', { units: 4 }],
        ['out', 'Dense', { units: 1 }],
      ],
      ['in->lstm', 'lstm->out'],
    );
    project.graph.nodes[1]!.label = 'my "memory"';
    const result = generateCode(project, 'pytorch', { style: 'sequential' });
    if (!result.ok) throw new Error('LSTM graph must lower');
    const code = result.code.code;
    // Keras LSTM(4) on 1 feature: 4 gates × 4 units × (1 + 4) + 4 × 4 bias = 96; PyTorch adds a
    // second bias of 16: 112. Dense(4 → 1): 5. Total (Keras) 101.
    expect(code).toContain(
      '2 layers, input (None, 12, 1) → output (None, 1), 101 trainable parameters.\n',
    );
    expect(code).toContain(`
class PermuteModel(nn.Module):
    """Permute, the network drawn in Netwright.

    Input: (N, 12, 1).
    Output: (N, 1).
    """

    def __init__(self):
        super().__init__()
        # PyTorch counts 112 trainable parameters here, Keras 96: nn.LSTM keeps two bias vectors
        # (bias_ih, bias_hh) where Keras keeps one; load_weights sets bias_hh to 0.
        self.my_memory = nn.LSTM(1, 4, batch_first=True)  # "my \\"memory\\""
        self.out = nn.Linear(4, 1)
`);
    expect(code).toContain(`
def copy_array(tensor, array, key):
    """Copies an array made from arrays[key] (a slice, a gate reorder) into a tensor."""
    if array.shape != tuple(tensor.shape):
        raise ValueError(f"{key} gives shape {array.shape}; the model wants {tuple(tensor.shape)}")
    with torch.no_grad():
        tensor.copy_(torch.from_numpy(np.ascontiguousarray(array)))
`);
    // A call longer than 99 columns is split over lines.
    expect(code).toContain(`
        copy_weight(model.my_memory.bias_ih_l0, arrays, "my_memory/bias")
        copy_array(
            model.my_memory.bias_hh_l0, np.zeros_like(arrays["my_memory/bias"]), "my_memory/bias"
        )
`);
    expect(code).toContain('def build_model():\n    return PermuteModel()\n');
  });

  it('a network without weights and without training', () => {
    const project = loadTemplate('toy-2d-classifier');
    project.name = 'F';
    project.graph = graphOf(
      [
        ['in', 'Input', { shape: [4] }],
        ['act', 'Activation', { activation: 'relu' }],
      ],
      ['in->act'],
    );
    const torch = generateCode(project, 'pytorch', { includeTraining: false });
    const keras = generateCode(project, 'keras', { includeTraining: false });
    if (!torch.ok || !keras.ok) throw new Error('must lower');
    expect(torch.code.code).toContain(`
class FModel(nn.Module):
    """F, the network drawn in Netwright.

    Input: (N, 4).
    Output: (N, 4).
    """

    def __init__(self):
        super().__init__()

    def forward(self, x):
        x = torch.relu(x)
        return x


def build_model():
    return FModel()
`);
    expect(torch.code.code).toContain(`
    with np.load(path) as arrays:
        pass  # this network has no weights
    return model


if __name__ == "__main__":
    model = build_model()
    print(model)
    print("Trainable parameters:", sum(p.numel() for p in model.parameters() if p.requires_grad))
`);
    expect(torch.code.code).toContain('1 layer, input (None, 4) → output (None, 4), 0 trainable');
    expect(torch.code.code).not.toMatch(/argparse|DataLoader|def main/);
    expect(keras.code.code).toContain(
      '# The arrays of each layer with weights, in the order set_weights() takes them.\nWEIGHT_NAMES = {}  # this network has no weights\n',
    );
  });

  it('token ids: the input as torch.long', () => {
    const code = script('text-classifier', 'pytorch');
    expect(code).toContain('    Input: (N, 16), int64 token ids (torch.long).\n');
    expect(code).toContain(
      '    x = x.long()  # token ids: nn.Embedding looks up int64 (torch.long) indices\n',
    );
    expect(script('mnist-mlp', 'pytorch')).not.toContain('x = x.long()');
  });
});
