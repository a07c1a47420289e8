/**
 * The keras hooks of the layer kinds (`LayerDef.keras`) and the kit in
 * shared/layers/backends/keras.ts: class-name claims, the call writer, and config → import round
 * trips. Expected strings are written by hand from the Keras 3 API signatures.
 */
import { describe, expect, it } from 'vitest';
import type { IrOp } from '../../shared/ir/lower.ts';
import { generateCode } from '../../shared/codegen/index.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import {
  type Hooks,
  Unsupported,
  activationOf,
  lastAxisCheck,
  pair,
  writeCall,
} from '../../shared/layers/backends/keras.ts';
import { LAYERS, defaultParams, getLayer } from '../../shared/layers/registry.ts';
import { importKerasJson, kerasKindForClass } from '../../shared/import/keras.ts';

function op(type: string, params: Record<string, unknown>, over: Partial<IrOp> = {}): IrOp {
  return {
    id: 'n1',
    type,
    name: 'layer_1',
    label: type,
    params,
    inputs: [],
    inputShapes: [[4, 4, 3]],
    outputShape: [48],
    count: { trainable: 0, nonTrainable: 0 },
    ...over,
  };
}

describe('keras hooks', () => {
  it('class names resolve to kinds: a kind named after the class first, then aliases', () => {
    for (const def of LAYERS) {
      if (def.type === 'Input') expect(def.keras.classNames).toEqual(['InputLayer']);
      else expect(def.keras.classNames[0]).toBe(def.type);
      for (const name of def.keras.classNames) expect(kerasKindForClass(name)).toBeDefined();
      if (def.type !== 'Input') expect(kerasKindForClass(def.type)).toBe(def);
    }
    // Aliases Keras 2 / TF.js write (hand list from the Keras docs).
    expect(kerasKindForClass('Convolution2D')?.type).toBe('Conv2D');
    expect(kerasKindForClass('MaxPool2D')?.type).toBe('MaxPooling2D');
    expect(kerasKindForClass('AvgPool2D')?.type).toBe('AveragePooling2D');
    expect(kerasKindForClass('GlobalAvgPool2D')?.type).toBe('GlobalAveragePooling2D');
    expect(kerasKindForClass('InputLayer')?.type).toBe('Input');
    expect(kerasKindForClass('constructor')).toBeUndefined();
    expect(kerasKindForClass('Conv3D')).toBeUndefined();
  });

  it('every kind: config → fromConfig gives back the default params', () => {
    for (const def of LAYERS) {
      const params = defaultParams(def);
      const o =
        def.type === 'Input'
          ? op('Input', { shape: [4, 4, 3], dtype: 'float32' })
          : def.type === 'Reshape'
            ? op('Reshape', { target_shape: [48] })
            : op(def.type, params);
      const { className, config } = def.keras.config(o);
      expect(config.name).toBe('layer_1');
      // Input writes keras.Input(shape=...); its JSON twin is InputLayer(batch_shape=[None, ...]).
      const json =
        def.type === 'Input' ? { batch_shape: [null, ...(config.shape as number[])] } : config;
      const back = def.keras.fromConfig(json, def.type === 'Input' ? 'InputLayer' : className);
      expect(back.params, def.type).toEqual(o.params);
    }
  });

  it('writeCall: positional keys first, defaults left out, name last', () => {
    const style = { positional: ['units'], defaults: { activation: 'linear', use_bias: true } };
    expect(
      writeCall(
        {
          className: 'Dense',
          config: { name: 'dense_1', units: 128, activation: 'relu', use_bias: true },
        },
        style,
      ),
    ).toBe('layers.Dense(128, activation="relu", name="dense_1")');
    expect(
      writeCall(
        {
          className: 'Dense',
          config: { name: 'd', units: 3, activation: 'linear', use_bias: false },
        },
        style,
      ),
    ).toBe('layers.Dense(3, use_bias=False, name="d")');
    expect(writeCall({ className: 'Input', config: { name: 'x', shape: [28, 28, 1] } })).toBe(
      'keras.Input(shape=(28, 28, 1), name="x")',
    );
  });

  it('the kit reads Keras spellings and refuses what Netwright lacks', () => {
    expect(pair(3, 'kernel_size')).toEqual([3, 3]);
    expect(pair([1, 2], 'strides')).toEqual([1, 2]);
    expect(() => pair([1, 2, 3], 'strides')).toThrow(new Unsupported('strides [1,2,3]'));
    expect(activationOf(null)).toBe('linear');
    expect(activationOf({ class_name: 'Activation', config: { name: 'relu' } })).toBe('relu');
    expect(() => activationOf('gelu_approx')).toThrow(Unsupported);
  });

  it('lastAxisCheck: axis 3 is the last of an HWC input, axis 1 is not', () => {
    const hwc = op('BatchNormalization', {}, { inputShapes: [[8, 8, 16]] });
    expect(lastAxisCheck({ axis: 3 }, 'BatchNormalization')(hwc)).toBeUndefined();
    expect(lastAxisCheck({ axis: [-1] }, 'BatchNormalization')(hwc)).toBeUndefined();
    expect(lastAxisCheck({ axis: 1 }, 'BatchNormalization')(hwc)).toBe(
      'normalises an axis other than the last',
    );
    expect(() => lastAxisCheck({ axis: [1, 2] }, 'LayerNormalization')).toThrow(
      'LayerNormalization over axes [1,2]',
    );
  });

  it('import: a Keras 2 alias and a normalisation axis that is not the last', () => {
    const seq = (layers: unknown[]) =>
      JSON.stringify({ class_name: 'Sequential', config: { name: 'm', layers } });
    const conv = importKerasJson(
      seq([
        { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 6, 6, 1] } },
        {
          class_name: 'Convolution2D',
          config: { name: 'c', filters: 2, kernel_size: 3, strides: 1, activation: 'relu' },
        },
      ]),
    );
    expect(conv.ok).toBe(true);
    if (conv.ok) {
      const c = conv.ir.ops.find((o) => o.type === 'Conv2D')!;
      expect(c.params.kernel_size).toEqual([3, 3]);
      expect(c.outputShape).toEqual([4, 4, 2]);
    }
    const bn = importKerasJson(
      seq([
        { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 6, 6, 2] } },
        { class_name: 'BatchNormalization', config: { name: 'bn', axis: 1 } },
      ]),
    );
    expect(bn.ok).toBe(false);
    if (!bn.ok) expect(bn.error).toContain('normalises an axis other than the last');
  });
});

describe('keras generator: optional hooks', () => {
  /** Input(4) → Dense(4) → Add(input, dense): a functional model with a merge. */
  function branchedProject() {
    const project = loadTemplate('mnist-mlp');
    project.graph = {
      nodes: [
        { id: 'in', type: 'Input', params: { shape: [4] }, position: { x: 0, y: 0 } },
        { id: 'd', type: 'Dense', params: { units: 4 }, position: { x: 0, y: 1 } },
        { id: 'sum', type: 'Add', params: {}, position: { x: 0, y: 2 } },
      ],
      edges: [
        { id: 'e0', source: 'in', target: 'd' },
        { id: 'e1', source: 'in', target: 'sum', targetHandle: '0' },
        { id: 'e2', source: 'd', target: 'sum', targetHandle: '1' },
      ],
    };
    return project;
  }

  /** Runs `body` with Add's keras hooks replaced by `hooks`, restoring them after. */
  function withAddHooks(hooks: Partial<Hooks>, body: () => void) {
    const def = getLayer('Add')! as { keras: Hooks };
    const saved = def.keras;
    def.keras = { ...saved, ...hooks };
    try {
      body();
    } finally {
      def.keras = saved;
    }
  }

  it('by default a merge takes a list: layers.Add(name=...)([inputs, d])', () => {
    const result = generateCode(branchedProject(), 'keras');
    if (!result.ok) throw new Error('must lower');
    expect(result.code.code).toContain('sum = layers.Add(name="sum")([inputs, d])');
  });

  it('expression, callArgs and pythonHelpers (written once per key) reach the file', () => {
    withAddHooks(
      {
        expression: (o) => `SumOf(name="${o.name}")`,
        callArgs: (inputs) => inputs.join(', '),
        pythonHelpers: () => [
          { key: 'sum_of', lines: ['class SumOf(layers.Add):', '    pass'] },
          { key: 'sum_of', lines: ['class SumOf(layers.Add):', '    pass'] },
        ],
      },
      () => {
        const result = generateCode(branchedProject(), 'keras');
        if (!result.ok) throw new Error('must lower');
        const code = result.code.code;
        expect(code).toContain('sum = SumOf(name="sum")(inputs, d)');
        expect(code.split('class SumOf(layers.Add):').length).toBe(2);
        expect(code.indexOf('class SumOf')).toBeLessThan(code.indexOf('def build_model():'));
      },
    );
  });
});

describe('keras import: tensors passed by keyword (Hooks.tensorKwargs)', () => {
  const tensor3 = (name: string) => ({
    class_name: '__keras_tensor__',
    config: { shape: [null, 4], dtype: 'float32', keras_history: [name, 0, 0] },
  });
  /** Input a(4) → Dense d(4); Add s called as s(a, value=d) (and a mask tensor it must skip). */
  const model = (keras3: boolean) => ({
    class_name: 'Functional',
    config: {
      name: 'm',
      layers: [
        {
          class_name: 'InputLayer',
          name: 'a',
          config: { name: 'a', batch_shape: [null, 4] },
          inbound_nodes: [],
        },
        {
          class_name: 'Dense',
          name: 'd',
          config: { name: 'd', units: 4 },
          inbound_nodes: keras3 ? [{ args: [tensor3('a')], kwargs: {} }] : [[['a', 0, 0, {}]]],
        },
        {
          class_name: 'Add',
          name: 's',
          config: { name: 's' },
          inbound_nodes: keras3
            ? [{ args: [tensor3('a')], kwargs: { value: tensor3('d'), mask: tensor3('a') } }]
            : [[['a', 0, 0, { value: ['d', 0, 0], mask: ['a', 0, 0] }]]],
        },
      ],
      input_layers: [['a', 0, 0]],
      output_layers: [['s', 0, 0]],
    },
  });

  it.each([false, true])('keras3=%s: value= becomes the second input, mask= is ignored', (k3) => {
    const def = getLayer('Add')! as { keras: Hooks };
    const saved = def.keras;
    def.keras = { ...saved, tensorKwargs: ['value'] };
    try {
      const result = importKerasJson(model(k3));
      if (!result.ok) throw new Error(result.error);
      const add = result.ir.ops.find((o) => o.type === 'Add')!;
      const names = add.inputs.map((id) => result.ir.ops.find((o) => o.id === id)!.type);
      expect(names).toEqual(['Input', 'Dense']);
    } finally {
      def.keras = saved;
    }
    // Without the hook the keyword tensor is not an input: Add gets one input and fails.
    expect(importKerasJson(model(k3)).ok).toBe(false);
  });
});
