/**
 * Keras 3's GRU (`reset_after=True`, its default) for TF.js: tfjs-layers 4.22 runs only the
 * `reset_after=False` form (its GRUCell throws "GRUCell does not support reset_after parameter set
 * to true"), which is another function with other weights. Pure: the classes are made from the
 * caller's `tf` namespace (one set per namespace, registered with its serialization map so that
 * `tf.layers.bidirectional` can clone the layer).
 *
 * Step (Keras keras/src/layers/rnn/gru.py, GRUCell.call with reset_after; Cho et al. 2014), for
 * an input row `x` `(batch, features)` and state `h` `(batch, units)`:
 *
 *   [x_z, x_r, x_h] = x · kernel + bias[0]            kernel (features, 3·units), gates z, r, h
 *   [h_z, h_r, h_h] = h · recurrent_kernel + bias[1]  recurrent_kernel (units, 3·units)
 *   z = sigmoid(x_z + h_z),  r = sigmoid(x_r + h_r)
 *   h~ = tanh(x_h + r ⊙ h_h)
 *   h' = z ⊙ h + (1 − z) ⊙ h~
 *
 * Weights, in this order, as Keras holds them: `kernel` `(features, 3·units)`,
 * `recurrent_kernel` `(units, 3·units)`, `bias` `(2, 3·units)` (row 0 input bias, row 1 recurrent
 * bias; only with `useBias`). Initialisers as Keras: glorot uniform, orthogonal, zeros.
 */
import type * as tfjs from '@tensorflow/tfjs';

type Tf = typeof tfjs;
type Tensor = tfjs.Tensor;
type Initializer = ReturnType<Tf['initializers']['zeros']>;

/** The TF.js class name of the layer (`getClassName()`, and `className` in a saved model.json). */
export const RESET_AFTER_GRU_CLASS = 'NetwrightGRU';

export interface ResetAfterGruArgs {
  name?: string;
  units: number;
  useBias?: boolean;
  returnSequences?: boolean;
  goBackwards?: boolean;
  kernelInitializer?: Initializer;
  recurrentInitializer?: Initializer;
  /**
   * Seed of the default initialisers (when no initialiser is given), kept in the config so that
   * Bidirectional's copies (made from `getConfig()`) start alike in a seeded build.
   */
  seed?: number;
  /** Given by `fromConfig` when a Bidirectional wrapper clones the layer; ignored otherwise. */
  [key: string]: unknown;
}

interface Classes {
  make(args: ResetAfterGruArgs): tfjs.layers.Layer;
}

const CLASSES = new WeakMap<object, Classes>();

function defineClasses(tf: Tf): Classes {
  const Layer = tf.layers.Layer;

  class ResetAfterGruCell extends Layer {
    static className = 'NetwrightGRUCell';
    readonly units: number;
    readonly stateSize: number;
    readonly useBias: boolean;
    private readonly kernelInitializer: Initializer;
    private readonly recurrentInitializer: Initializer;
    private kernel?: tfjs.LayerVariable;
    private recurrentKernel?: tfjs.LayerVariable;
    private bias?: tfjs.LayerVariable;

    constructor(args: ResetAfterGruArgs) {
      super({ name: args.name === undefined ? undefined : `${args.name}_cell` });
      this.units = args.units;
      this.stateSize = args.units;
      this.useBias = args.useBias ?? true;
      const seed = args.seed === undefined ? {} : { seed: args.seed };
      this.kernelInitializer = args.kernelInitializer ?? tf.initializers.glorotUniform(seed);
      this.recurrentInitializer = args.recurrentInitializer ?? tf.initializers.orthogonal(seed);
    }

    override build(inputShape: tfjs.Shape | tfjs.Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfjs.Shape;
      const features = shape[shape.length - 1]!;
      const width = 3 * this.units;
      this.kernel = this.addWeight(
        'kernel',
        [features, width],
        'float32',
        this.kernelInitializer,
        undefined,
        true,
      );
      this.recurrentKernel = this.addWeight(
        'recurrent_kernel',
        [this.units, width],
        'float32',
        this.recurrentInitializer,
        undefined,
        true,
      );
      if (this.useBias) {
        this.bias = this.addWeight(
          'bias',
          [2, width],
          'float32',
          tf.initializers.zeros(),
          undefined,
          true,
        );
      }
      this.built = true;
    }

    override call(inputs: Tensor | Tensor[]): Tensor[] {
      return tf.tidy(() => {
        const [x, h] = inputs as Tensor[];
        let fromX = tf.matMul(x as tfjs.Tensor2D, this.kernel!.read() as tfjs.Tensor2D);
        let fromH = tf.matMul(h as tfjs.Tensor2D, this.recurrentKernel!.read() as tfjs.Tensor2D);
        if (this.bias) {
          const [inputBias, recurrentBias] = tf.unstack(this.bias.read());
          fromX = tf.add(fromX, inputBias!);
          fromH = tf.add(fromH, recurrentBias!);
        }
        const [xz, xr, xh] = tf.split(fromX, 3, -1);
        const [hz, hr, hh] = tf.split(fromH, 3, -1);
        const z = tf.sigmoid(tf.add(xz!, hz!));
        const r = tf.sigmoid(tf.add(xr!, hr!));
        const candidate = tf.tanh(tf.add(xh!, tf.mul(r, hh!)));
        const next = tf.add(tf.mul(z, h!), tf.mul(tf.sub(1, z), candidate));
        return [next, next];
      });
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), units: this.units, useBias: this.useBias };
    }
  }

  class ResetAfterGru extends tf.RNN {
    static override className = RESET_AFTER_GRU_CLASS;
    readonly seed: number | undefined;

    constructor(args: ResetAfterGruArgs) {
      const cell = new ResetAfterGruCell(args);
      super({
        name: args.name,
        // The RNN constructor reads only the cell's stateSize, build, call and weights.
        cell: cell as unknown as ConstructorParameters<Tf['RNN']>[0]['cell'],
        returnSequences: args.returnSequences ?? false,
        goBackwards: args.goBackwards ?? false,
      });
      this.seed = args.seed;
    }

    /** Keras's GRU config keys (camelCase, as TF.js spells them) plus the RNN layer's own. */
    override getConfig(): tfjs.serialization.ConfigDict {
      const base = super.getConfig();
      delete base.cell;
      const cell = this.cell as unknown as ResetAfterGruCell;
      return {
        ...base,
        name: this.name,
        units: cell.units,
        activation: 'tanh',
        recurrentActivation: 'sigmoid',
        useBias: cell.useBias,
        resetAfter: true,
        ...(this.seed === undefined ? {} : { seed: this.seed }),
      };
    }

    static override fromConfig<T extends tfjs.serialization.Serializable>(
      cls: tfjs.serialization.SerializableConstructor<T>,
      config: tfjs.serialization.ConfigDict,
    ): T {
      return new cls(config);
    }
  }

  tf.serialization.registerClass(ResetAfterGruCell);
  tf.serialization.registerClass(ResetAfterGru);
  return { make: (args) => new ResetAfterGru(args) };
}

/**
 * A Keras-3 GRU layer (reset_after=True, tanh, sigmoid) on the caller's TF.js. Input
 * `(batch, timesteps, features)`; output `(batch, units)`, or `(batch, timesteps, units)` with
 * `returnSequences`. Throws what tfjs-layers throws for a bad input rank (shape inference refuses
 * it first).
 */
export function resetAfterGru(tf: Tf, args: ResetAfterGruArgs): tfjs.layers.Layer {
  let classes = CLASSES.get(tf);
  if (!classes) {
    classes = defineClasses(tf);
    CLASSES.set(tf, classes);
  }
  return classes.make(args);
}
