/**
 * Tensor layout, in one place: sliding-window sizes, TensorFlow's 'same' padding, and the moves
 * between Keras's channels-last layout (NWC, NHWC, NDHWC) and the channels-first layout of
 * PyTorch and ONNX (NCW, NCHW, NCDHW), for activations and for kernels.
 *
 * Every function takes the spatial rank explicitly (1 for sequences `(steps, channels)`, 2 for
 * images `(H, W, C)`, 3 for volumes): a per-example shape of rank 2 is a sequence to Conv1D but a
 * plain matrix to Dense, and only the layer kind knows which. Nothing here guesses from a rank.
 *
 * Shapes written `(…)` are per example (batch axis not counted); permutations (`perm`) are for
 * whole tensors, batch axis 0 included, as `torch.permute` and ONNX `Transpose` take them.
 */
import type { Shape } from '../shape.ts';

/**
 * Output length of a sliding window (conv or pooling) along one spatial axis, as Keras computes
 * it (keras/src/ops/operation_utils.py `compute_conv_output_shape`): 'valid' →
 * `floor((size - window) / stride) + 1`, 'same' → `ceil(size / stride)`. Dilation not supported.
 * May be < 1 for 'valid' when the window is larger than the input; callers report that (E011).
 */
export function windowOutputSize(
  size: number,
  window: number,
  stride: number,
  padding: string,
): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - window) / stride) + 1;
}

/**
 * TensorFlow's 'same' padding along one axis, `[before, after]` in elements: the total
 * `max((out - 1) * stride + window - size, 0)` with `out = ceil(size / stride)`, split with the
 * extra element after (TensorFlow guide "Convolution", tf.nn.convolution padding docs). PyTorch's
 * `padding="same"` agrees only for stride 1; with stride > 1 TF may pad more after than before.
 */
export function samePadding(size: number, window: number, stride: number): [number, number] {
  const out = windowOutputSize(size, window, stride, 'same');
  const total = Math.max((out - 1) * stride + window - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * Output length of a transposed convolution along one axis, as Keras computes it when
 * `output_padding` is None (Keras 2 `conv_utils.deconv_output_length`; Keras 3
 * keras/src/backend/common/backend_utils.py `_get_output_shape_given_tf_padding`; tfjs-layers
 * `deconvLength`): 'valid' → `size * stride + max(window - stride, 0)`, 'same' → `size * stride`.
 * Dilation not supported. Always ≥ 1 for sizes, windows and strides ≥ 1.
 */
export function transposeOutputSize(
  size: number,
  window: number,
  stride: number,
  padding: string,
): number {
  return padding === 'same' ? size * stride : size * stride + Math.max(window - stride, 0);
}

/**
 * How Keras's transposed convolution output (`transposeOutputSize`) is cut from the full one,
 * `(size - 1) * stride + window` long, along one axis: `[before, after]` elements removed from
 * each end; a negative `after` means that many elements are added at the end instead (zeros
 * before the bias). TensorFlow computes a transposed convolution as the input gradient of a
 * convolution over the output, so 'same' removes that convolution's 'same' pads
 * (`samePadding(out, window, stride)`: total `max(window - stride, 0)`, the extra one after);
 * 'valid' removes nothing, and with `window < stride` both add `stride - window` at the end.
 * As ONNX `ConvTranspose` takes it: `pads` = `max(before, 0)`, `max(after, 0)` and
 * `output_padding` = `max(-after, 0)` (onnx/docs/Operators.md "ConvTranspose" output shape).
 * PyTorch's `ConvTranspose2d` removes `padding` from both ends, so when `after = before + 1` it
 * keeps one element too many at the end, which the caller slices off.
 */
export function transposeCrop(
  size: number,
  window: number,
  stride: number,
  padding: string,
): [number, number] {
  const full = (size - 1) * stride + window;
  const extra = full - transposeOutputSize(size, window, stride, padding);
  if (extra <= 0) return [0, extra];
  const before = Math.floor(extra / 2);
  return [before, extra - before];
}

/**
 * `[before, after]` per spatial axis for a window over a channels-last input of `spatialRank`
 * spatial axes (`input` is `(spatial…, C)`); all zeros for 'valid'.
 * Throws when `input` has fewer than `spatialRank + 1` axes or `window`/`strides` are shorter
 * than `spatialRank`.
 */
export function spatialPads(
  input: Shape,
  spatialRank: number,
  window: readonly number[],
  strides: readonly number[],
  padding: string,
): Array<[number, number]> {
  if (input.length < spatialRank + 1 || window.length < spatialRank || strides.length < spatialRank)
    throw new Error(
      `layout: a ${spatialRank}-D window needs ${spatialRank} spatial axes and a channel axis`,
    );
  return Array.from({ length: spatialRank }, (_, i) =>
    padding === 'same' ? samePadding(input[i]!, window[i]!, strides[i]!) : [0, 0],
  );
}

/**
 * Pads as ONNX `pads` wants them: all befores, then all afters, spatial axes in order
 * (`[x1_begin, x2_begin, …, x1_end, x2_end, …]`, onnx/docs/Operators.md "Conv").
 */
export function onnxPads(pads: ReadonlyArray<readonly [number, number]>): number[] {
  return [...pads.map((p) => p[0]), ...pads.map((p) => p[1])];
}

/**
 * Pads as `torch.nn.functional.pad` / `nn.ZeroPad2d` want them: last spatial axis first, each as
 * (before, after): 2-D → `(left, right, top, bottom)`, 1-D → `(left, right)`
 * (torch.nn.functional.pad docs).
 */
export function torchPads(pads: ReadonlyArray<readonly [number, number]>): number[] {
  return [...pads].reverse().flatMap((p) => [p[0], p[1]]);
}

/** True when every axis pads the same before and after (PyTorch's symmetric `padding=`). */
export function symmetricPads(pads: ReadonlyArray<readonly [number, number]>): boolean {
  return pads.every((p) => p[0] === p[1]);
}

/**
 * Permutation of a whole channels-last tensor (batch first) to channels-first, for
 * `spatialRank` spatial axes: 1 → `[0, 2, 1]` (NWC → NCW), 2 → `[0, 3, 1, 2]` (NHWC → NCHW).
 */
export function toChannelsFirst(spatialRank: number): number[] {
  const c = spatialRank + 1;
  return [0, c, ...Array.from({ length: spatialRank }, (_, i) => i + 1)];
}

/**
 * Inverse of `toChannelsFirst`: 1 → `[0, 2, 1]` (NCW → NWC), 2 → `[0, 2, 3, 1]` (NCHW → NHWC).
 */
export function toChannelsLast(spatialRank: number): number[] {
  return inversePermutation(toChannelsFirst(spatialRank));
}

/** The permutation that undoes `perm`: `out[perm[i]] = i`. */
export function inversePermutation(perm: readonly number[]): number[] {
  const out = new Array<number>(perm.length);
  perm.forEach((p, i) => (out[p] = i));
  return out;
}

/**
 * The per-example channels-first shape of a channels-last one with `spatialRank` spatial axes:
 * `(H, W, C)` → `(C, H, W)` for 2, `(L, C)` → `(C, L)` for 1; rank 0 leaves it alone.
 * Throws when the shape does not have exactly `spatialRank + 1` axes.
 */
export function channelsFirstShape(shape: Shape, spatialRank: number): number[] {
  if (spatialRank === 0) return [...shape];
  if (shape.length !== spatialRank + 1)
    throw new Error(
      `layout: expected ${spatialRank} spatial axes and a channel axis, got (${shape.join(', ')})`,
    );
  return [shape[spatialRank]!, ...shape.slice(0, spatialRank)];
}

/**
 * Permutation from a Keras convolution kernel to PyTorch's / ONNX's: Keras Conv stores
 * `(k1, …, kS, in, out)` and PyTorch `ConvNd`/ONNX `Conv` `(out, in, k1, …, kS)`; Keras
 * ConvTranspose stores `(k1, …, kS, out, in)` and PyTorch `ConvTransposeNd`/ONNX `ConvTranspose`
 * `(in, out, k1, …, kS)` — the same permutation `[S + 1, S, 0, …, S - 1]` in both cases
 * (keras/src/layers/convolutional/base_conv.py, torch.nn.Conv2d / ConvTranspose2d docs).
 */
export function kernelToChannelsFirst(spatialRank: number): number[] {
  return [spatialRank + 1, spatialRank, ...Array.from({ length: spatialRank }, (_, i) => i)];
}

/**
 * Transposes a dense row-major array of `shape` by `perm` (`out.shape[i] = shape[perm[i]]`), like
 * `numpy.transpose`. Throws when `perm` is not a permutation of the axes or the sizes disagree.
 */
export function transposeArray(
  data: Float32Array,
  shape: readonly number[],
  perm: readonly number[],
): Float32Array {
  const rank = shape.length;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i))
    throw new Error(`layout: [${perm.join(', ')}] is not a permutation of ${rank} axes`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length)
    throw new Error(`layout: ${data.length} values do not fill shape (${shape.join(', ')})`);
  const strides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  const outShape = perm.map((p) => shape[p]!);
  const out = new Float32Array(size);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < size; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += index[i]! * strides[perm[i]!]!;
    out[o] = data[src]!;
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i]! < outShape[i]!) break;
      index[i] = 0;
    }
  }
  return out;
}
