/**
 * TF.js layer classes for the mixing kinds that tfjs-layers 4.22 lacks or cannot configure as
 * Keras does:
 * - `Subtract` (tfjs-layers has no Subtract layer);
 * - `Maximum`, `Minimum` that train when they broadcast (tfjs-core's Maximum/Minimum gradients
 *   keep the broadcast shape, so tfjs-layers' layers fail in `fit` on e.g. (3, 3, 4) and (3, 3, 1));
 * - `MultiHeadAttention` (none in tfjs-layers);
 * - `ReLU` with Keras 3's `negative_slope` and `threshold` (tfjs-layers' ReLU takes `maxValue` only);
 * - `ELU` with any `alpha` (tfjs-layers' ELU throws NotImplementedError for alpha ≠ 1);
 * - `Softmax` on any axis (tfjs-layers' Softmax calls `tf.softmax`, which refuses every axis but
 *   the last: "Softmax along a non-last dimension is not yet supported").
 * Each class carries Keras's class name and reports its Keras config in camelCase
 * (`getConfig()`), and is registered with `tf.serialization.registerClass`, so a saved model
 * loads again. Registering `Maximum`, `Minimum`, `ReLU`, `ELU` and `Softmax` replaces tfjs-layers' classes of those
 * names in the registry; the replacements compute the same function for every config the
 * originals accept (defaults included), so models saved by tfjs-layers load unchanged.
 *
 * Pure: takes the caller's `tf` namespace (browser, worker, Node), like `tfjs/build-model.ts`;
 * the classes are made once per namespace.
 */
import type * as tfjs from '@tensorflow/tfjs';

type Tf = typeof tfjs;
type Tensor = tfjs.Tensor;
type Layer = tfjs.layers.Layer;
type LayerArgs = NonNullable<ConstructorParameters<typeof tfjs.layers.Layer>[0]>;
type Shape = (number | null)[];
type Initializer = ReturnType<Tf['initializers']['glorotUniform']>;
type Kwargs = Record<string, unknown>;

export interface ReLUArgs extends LayerArgs {
  /** Keras `max_value`; null: no cap. */
  maxValue?: number | null;
  negativeSlope?: number;
  threshold?: number;
}

export interface ELUArgs extends LayerArgs {
  alpha?: number;
}

export interface SoftmaxArgs extends LayerArgs {
  /** Keras axis: 0 is the batch axis, negative counts from the end. Default -1. */
  axis?: number;
}

export interface MultiHeadAttentionArgs extends LayerArgs {
  numHeads: number;
  keyDim: number;
  /** Per-head value size; null or absent: `keyDim` (Keras `value_dim=None`). */
  valueDim?: number | null;
  /** Fraction of attention weights dropped while training. */
  dropout?: number;
  useBias?: boolean;
  /** Output features; null or absent: the query's features (Keras `output_shape=None`). */
  outputShape?: number | null;
  /** Kernel initialiser; default glorot uniform (Keras's). Biases start at zero. */
  kernelInitializer?: Initializer;
}

export interface MixingLayerClasses {
  Subtract: new (args?: LayerArgs) => Layer;
  Maximum: new (args?: LayerArgs) => Layer;
  Minimum: new (args?: LayerArgs) => Layer;
  ReLU: new (args?: ReLUArgs) => Layer;
  ELU: new (args?: ELUArgs) => Layer;
  Softmax: new (args?: SoftmaxArgs) => Layer;
  MultiHeadAttention: new (args: MultiHeadAttentionArgs) => Layer;
}

const made = new WeakMap<Tf, MixingLayerClasses>();

const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/**
 * Keras's element-wise broadcast of full shapes (batch axis first): a shorter shape gets size-1
 * axes after the batch axis, then sizes must be equal or 1 (keras/src/layers/merging/base_merge.py).
 */
function broadcastFull(shapes: Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Shape = [shapes[0]![0]!, ...Array<number>(rank - 1).fill(1)];
  for (const s of shapes) {
    const padded = [s[0]!, ...Array<number>(rank - s.length).fill(1), ...s.slice(1)];
    for (let i = 1; i < rank; i++) {
      const d = padded[i]!;
      if (out[i] === 1) out[i] = d;
      else if (d !== 1 && d !== null && d !== out[i])
        throw new Error(`merge: shapes ${JSON.stringify(shapes)} do not broadcast`);
    }
  }
  return out;
}

/** The mixing layer classes for `tf`, defined and registered on first use. */
export function mixingLayers(tf: Tf): MixingLayerClasses {
  const known = made.get(tf);
  if (known) return known;

  /**
   * An element-wise merge with Keras's broadcasting that also trains when it broadcasts: each
   * input is lifted to the output's rank (size-1 axes after the batch axis) and expanded to the
   * output's shape before `op` by adding zeros of that shape (`tf.add` broadcasts, and its
   * gradient sums over the expanded axes). Not `tf.broadcastTo`: its Tile kernel on webgpu reads
   * tensors of rank ≥ 5 back to the CPU synchronously (an OffscreenCanvas, missing in Node).
   * tfjs-core's Maximum/Minimum gradients do not sum over broadcast axes ("The gradient of input
   * 'b' has shape '4,3,3,4', which does not match the shape of the input '4,3,3,1'").
   */
  const broadcastMerge = (className: string, op: (a: Tensor, b: Tensor) => Tensor) => {
    class BroadcastMerge extends tf.layers.Layer {
      static className = className;
      override computeOutputShape(inputShape: Shape | Shape[]): Shape {
        return broadcastFull(inputShape as Shape[]);
      }
      override call(inputs: Tensor | Tensor[]): Tensor {
        return tf.tidy(() => {
          const xs = list(inputs);
          const rank = Math.max(...xs.map((t) => t.rank));
          const lifted = xs.map((t) =>
            t.rank === rank
              ? t
              : t.reshape([
                  t.shape[0]!,
                  ...Array<number>(rank - t.rank).fill(1),
                  ...t.shape.slice(1),
                ]),
          );
          const shape = lifted[0]!.shape.map((_, i) => Math.max(...lifted.map((t) => t.shape[i]!)));
          const full = lifted.map((t) =>
            t.shape.every((d, i) => d === shape[i]) ? t : tf.add(t, tf.zeros(shape)),
          );
          return full.slice(1).reduce((acc, t) => op(acc, t), full[0]!);
        });
      }
    }
    return BroadcastMerge;
  };
  const Subtract = broadcastMerge('Subtract', (a, b) => tf.sub(a, b));
  const Maximum = broadcastMerge('Maximum', (a, b) => tf.maximum(a, b));
  const Minimum = broadcastMerge('Minimum', (a, b) => tf.minimum(a, b));

  class ReLU extends tf.layers.Layer {
    static className = 'ReLU';
    readonly maxValue: number | null;
    readonly negativeSlope: number;
    readonly threshold: number;
    constructor(args: ReLUArgs = {}) {
      super(args);
      this.maxValue = args.maxValue ?? null;
      this.negativeSlope = args.negativeSlope ?? 0;
      this.threshold = args.threshold ?? 0;
    }
    override computeOutputShape(inputShape: Shape): Shape {
      return inputShape;
    }
    /** keras/src/activations/activations.py `ReLU.static_call`, op for op. */
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = list(inputs)[0]!;
        const th = this.threshold;
        // x where x > threshold, else 0 (tf.step(v) is 1 for v > 0, else 0).
        let y = th !== 0 ? tf.mul(x, tf.step(tf.sub(x, th))) : tf.relu(x);
        if (this.maxValue !== null) y = tf.clipByValue(y, 0, this.maxValue);
        if (this.negativeSlope !== 0) {
          y = tf.sub(y, tf.mul(this.negativeSlope, tf.relu(tf.sub(th, x))));
        }
        return y;
      });
    }
    override getConfig() {
      return {
        maxValue: this.maxValue,
        negativeSlope: this.negativeSlope,
        threshold: this.threshold,
        ...super.getConfig(),
      };
    }
  }

  class ELU extends tf.layers.Layer {
    static className = 'ELU';
    readonly alpha: number;
    constructor(args: ELUArgs = {}) {
      super(args);
      this.alpha = args.alpha ?? 1;
    }
    override computeOutputShape(inputShape: Shape): Shape {
      return inputShape;
    }
    /** x for x > 0, alpha · (exp(x) − 1) otherwise (Keras `ops.elu(x, alpha)`). */
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = list(inputs)[0]!;
        if (this.alpha === 1) return tf.elu(x);
        // relu(x) + alpha · (exp(min(x, 0)) − 1): every op here has a gradient (a tf.where on
        // tf.greater would not train: TF.js has no gradient for Greater).
        return tf.add(tf.relu(x), tf.mul(this.alpha, tf.elu(tf.minimum(x, 0))));
      });
    }
    override getConfig() {
      return { alpha: this.alpha, ...super.getConfig() };
    }
  }

  class Softmax extends tf.layers.Layer {
    static className = 'Softmax';
    readonly axis: number;
    /**
     * The last-axis softmax, as an activation object so that an output Softmax layer hands its
     * logits to the loss like Dense(softmax) (shared/tfjs/output-logits.ts; Keras's Softmax layer
     * calls `activations.softmax`, which caches them).
     */
    activation = {
      getClassName: () => 'softmax',
      apply: (x: Tensor) => tf.softmax(x),
    };
    constructor(args: SoftmaxArgs = {}) {
      super(args);
      this.axis = args.axis ?? -1;
    }
    override computeOutputShape(inputShape: Shape): Shape {
      return inputShape;
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = list(inputs)[0]!;
        const axis = this.axis < 0 ? this.axis + x.rank : this.axis;
        if (axis === x.rank - 1) return this.activation.apply(x);
        // exp(x − logsumexp(x)) along the axis: tf.softmax takes the last axis only.
        return tf.exp(tf.sub(x, tf.logSumExp(x, axis, true)));
      });
    }
    override getConfig() {
      return { axis: this.axis, ...super.getConfig() };
    }
  }

  class MultiHeadAttention extends tf.layers.Layer {
    static className = 'MultiHeadAttention';
    readonly numHeads: number;
    readonly keyDim: number;
    readonly valueDim: number;
    readonly dropout: number;
    readonly useBias: boolean;
    readonly outputShape_: number | null;
    private readonly kernelInit: Initializer;
    private w: Record<string, tfjs.LayerVariable> = {};

    constructor(args: MultiHeadAttentionArgs) {
      super(args);
      this.numHeads = args.numHeads;
      this.keyDim = args.keyDim;
      this.valueDim = args.valueDim ?? args.keyDim;
      this.dropout = args.dropout ?? 0;
      this.useBias = args.useBias ?? true;
      this.outputShape_ = args.outputShape ?? null;
      this.kernelInit = args.kernelInitializer ?? tf.initializers.glorotUniform({});
    }

    /** Query, value, key shapes: one input is self-attention, two are (query, value). */
    private static qvk<T>(inputs: T[]): [T, T, T] {
      const q = inputs[0]!;
      const v = inputs[1] ?? q;
      return [q, v, inputs[2] ?? v];
    }

    private outDim(queryShape: Shape): number {
      return this.outputShape_ ?? (queryShape[queryShape.length - 1] as number);
    }

    override build(inputShape: Shape | Shape[]): void {
      const shapes = Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];
      const [q, v, k] = MultiHeadAttention.qvk(shapes);
      const last = (s: Shape) => s[s.length - 1] as number;
      const [h, kd, vd] = [this.numHeads, this.keyDim, this.valueDim];
      const zeros = tf.initializers.zeros();
      // Keras's weight order (keras/src/layers/attention/multi_head_attention.py `build`):
      // query, key, value, attention_output; each kernel then its bias.
      const dense = (name: string, kernel: number[], bias: number[]) => {
        this.w[`${name}/kernel`] = this.addWeight(
          `${name}/kernel`,
          kernel,
          'float32',
          this.kernelInit,
        );
        if (this.useBias)
          this.w[`${name}/bias`] = this.addWeight(`${name}/bias`, bias, 'float32', zeros);
      };
      dense('query', [last(q), h, kd], [h, kd]);
      dense('key', [last(k), h, kd], [h, kd]);
      dense('value', [last(v), h, vd], [h, vd]);
      const o = this.outDim(q);
      dense('attention_output', [h, vd, o], [o]);
      this.built = true;
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shapes = Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];
      const q = shapes[0]!;
      return [...q.slice(0, -1), this.outDim(q)];
    }

    /**
     * Keras's computation for (batch, steps, features) inputs: per-head projections
     * (einsum `abc,cde->abde`), scores `q·kᵀ / sqrt(key_dim)` (the query is scaled first),
     * softmax over the key steps, dropout on the weights while training, weighted sum of the
     * values, and the output projection (`abcd,cde->abe`).
     */
    override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
      return tf.tidy(() => {
        const [query, value, key] = MultiHeadAttention.qvk(list(inputs));
        const [h, kd, vd] = [this.numHeads, this.keyDim, this.valueDim];
        const read = (name: string) => this.w[name]!.read();
        // (B, T, F) → (B, h, T, d)
        const project = (x: Tensor, name: string, d: number) => {
          const [b, t, f] = x.shape as [number, number, number];
          let y = tf.matMul(x.reshape([b * t, f]), read(`${name}/kernel`).reshape([f, h * d]));
          if (this.useBias) y = tf.add(y, read(`${name}/bias`).reshape([h * d]));
          return y.reshape([b, t, h, d]).transpose([0, 2, 1, 3]);
        };
        const q = tf.mul(project(query, 'query', kd), 1 / Math.sqrt(kd));
        const k = project(key, 'key', kd);
        const v = project(value, 'value', vd);
        let weights = tf.softmax(tf.matMul(q, k, false, true)); // (B, h, Tq, Tk)
        if (kwargs.training === true && this.dropout > 0) {
          weights = tf.dropout(weights, this.dropout);
        }
        const [b, tq] = query.shape as [number, number];
        const mixed = tf
          .matMul(weights, v)
          .transpose([0, 2, 1, 3])
          .reshape([b * tq, h * vd]);
        const o = this.outDim(query.shape);
        let out = tf.matMul(mixed, read('attention_output/kernel').reshape([h * vd, o]));
        if (this.useBias) out = tf.add(out, read('attention_output/bias'));
        return out.reshape([b, tq, o]);
      });
    }

    override getConfig() {
      return {
        numHeads: this.numHeads,
        keyDim: this.keyDim,
        valueDim: this.valueDim,
        dropout: this.dropout,
        useBias: this.useBias,
        outputShape: this.outputShape_,
        ...super.getConfig(),
      };
    }
  }

  const classes: MixingLayerClasses = {
    Subtract,
    Maximum,
    Minimum,
    ReLU,
    ELU,
    Softmax,
    MultiHeadAttention,
  };
  for (const cls of Object.values(classes)) {
    tf.serialization.registerClass(
      cls as unknown as tfjs.serialization.SerializableConstructor<Layer>,
    );
  }
  made.set(tf, classes);
  return classes;
}
