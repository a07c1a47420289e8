import type { Shape } from '../../shape.ts';
import { formatShape } from '../../shape.ts';
import { mixingLayers } from '../mixing-tfjs.ts';
import type { LayerDef, ResolvedParams } from '../types.ts';
import { ok } from '../types.ts';
import * as keras from '../backends/keras.ts';
import * as torch from '../backends/torch.ts';
import * as tfjs from '../backends/tfjs.ts';
import * as onnx from '../backends/onnx.ts';
import * as explain from '../backends/explain.ts';

/**
 * The weight arrays in Keras's order (keras/src/layers/attention/multi_head_attention.py
 * `build`: query, key, value, attention_output dense layers, kernel then bias each).
 */
const MHA_ARRAYS = [
  'query/kernel',
  'query/bias',
  'key/kernel',
  'key/bias',
  'value/kernel',
  'value/bias',
  'attention_output/kernel',
  'attention_output/bias',
];

// ─── Keras: layer config, call style, Keras/TF.js model import (hooks: ../backends/keras.ts) ───

const kerasHooks: keras.Hooks = {
  classNames: ['MultiHeadAttention'],
  config: (op) => {
    const p = op.params;
    return {
      className: 'MultiHeadAttention',
      config: {
        name: op.name,
        num_heads: p.num_heads as number,
        key_dim: p.key_dim as number,
        value_dim: p.value_dim as number | null,
        dropout: p.dropout as number,
        use_bias: p.use_bias as boolean,
        output_shape: p.output_shape as number | null,
      },
    };
  },
  callStyle: {
    positional: [],
    defaults: { value_dim: null, dropout: 0.0, use_bias: true, output_shape: null },
  },
  // mha(query, value[, key]); one wire is self-attention, mha(x, x).
  callArgs: (inputs) => (inputs.length === 1 ? `${inputs[0]}, ${inputs[0]}` : inputs.join(', ')),
  tensorKwargs: ['value', 'key'],
  signature: [
    'num_heads',
    'key_dim',
    'value_dim',
    'dropout',
    'use_bias',
    'output_shape',
    'attention_axes',
  ],
  fromConfig: (c) => {
    const axes = c.attention_axes;
    // Netwright attends over the steps of (batch, steps, features): Keras's default, axis 1.
    if (!(axes === null || axes === undefined || JSON.stringify(axes) === '[1]' || axes === 1))
      throw new keras.Unsupported(`attention_axes ${JSON.stringify(axes)}`);
    const out = c.output_shape;
    const outDim = Array.isArray(out) && out.length === 1 ? out[0] : out;
    if (!(outDim === null || outDim === undefined || typeof outDim === 'number'))
      throw new keras.Unsupported(`output_shape ${JSON.stringify(out)}`);
    // Keras's get_config reports value_dim = key_dim when it was None.
    const valueDim = c.value_dim === c.key_dim ? null : (c.value_dim ?? null);
    return {
      params: {
        num_heads: c.num_heads,
        key_dim: c.key_dim,
        value_dim: valueDim,
        dropout: c.dropout ?? 0.0,
        use_bias: c.use_bias ?? true,
        output_shape: outDim ?? null,
      },
    };
  },
  // Sub-layer arrays, named by their path inside the layer (`query/kernel`, …).
  weightOrder: MHA_ARRAYS,
};

// ─── end keras ───

// ─── PyTorch: module, forward, weight layout (hooks: ../backends/torch.ts) ───

/**
 * keras.layers.MultiHeadAttention written out for PyTorch (nn.MultiheadAttention needs
 * num_heads · key_dim = embed_dim and one head size for keys and values; Keras does not).
 */
const KERAS_MHA: torch.Helper = {
  name: 'KerasMultiHeadAttention',
  write: (w) =>
    w.block('class KerasMultiHeadAttention(nn.Module):', () => {
      w.line('"""keras.layers.MultiHeadAttention on (batch, steps, features) tensors.');
      w.blank();
      w.line('Each head projects the query and key to key_dim values per step and the value to');
      w.line('value_dim; softmax(q · kᵀ / sqrt(key_dim)) over the key steps weights the values;');
      w.line('the heads are joined and projected to output_dim features.');
      w.line('"""');
      w.blank();
      w.block(
        'def __init__(self, query_features, value_features, key_features, num_heads, key_dim, value_dim, output_dim, dropout=0.0, bias=True):',
        () => {
          w.line('super().__init__()');
          w.line('self.num_heads = num_heads');
          w.line('self.key_dim = key_dim');
          w.line('self.value_dim = value_dim');
          w.line('self.query = nn.Linear(query_features, num_heads * key_dim, bias=bias)');
          w.line('self.key = nn.Linear(key_features, num_heads * key_dim, bias=bias)');
          w.line('self.value = nn.Linear(value_features, num_heads * value_dim, bias=bias)');
          w.line('self.output = nn.Linear(num_heads * value_dim, output_dim, bias=bias)');
          w.line('self.dropout = nn.Dropout(dropout)');
        },
      );
      w.blank();
      w.block('def heads(self, x, size):', () => {
        w.line('"""(batch, steps, heads · size) → (batch, heads, steps, size)."""');
        w.line('return x.view(x.shape[0], x.shape[1], self.num_heads, size).transpose(1, 2)');
      });
      w.blank();
      w.block('def forward(self, query, value, key=None):', () => {
        w.line('key = value if key is None else key');
        w.line('q = self.heads(self.query(query), self.key_dim) * self.key_dim**-0.5');
        w.line('k = self.heads(self.key(key), self.key_dim)');
        w.line('v = self.heads(self.value(value), self.value_dim)');
        w.line('weights = self.dropout(torch.softmax(q @ k.transpose(2, 3), dim=-1))');
        w.line(
          'mixed = (weights @ v).transpose(1, 2).flatten(2)  # (batch, steps, heads · value_dim)',
        );
        w.line('return self.output(mixed)');
      });
    }),
};

/** Keras kernel (features, heads, size) → nn.Linear weight (heads · size, features). */
const linearKernel = (a: string) => `${a}.reshape(${a}.shape[0], -1).T`;

/** The features (last axis) of a tensor `forward` passes, when its shape is known. */
const featuresOf = (shape: Shape | undefined): number | undefined => shape?.at(-1);

/**
 * `nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
 * add_zero_attn=False, kdim=None, vdim=None, batch_first=False)`
 * (pytorch.org/docs/stable/generated/torch.nn.MultiheadAttention.html) as Keras's
 * MultiHeadAttention: each of the `num_heads` heads projects to `embed_dim / num_heads` values
 * (Keras's `key_dim`, and `value_dim` the same), scores are scaled by 1/sqrt(head size) in both,
 * dropout falls on the attention weights in both, and the output projection goes back to
 * `embed_dim` = the query's features (Keras's `output_shape` None). The same arrays: 4·E² + 4·E
 * trainable values with bias (in_proj 3E×E + 3E, out_proj E×E + E). What Keras's layer has no
 * counterpart for is refused: `add_bias_kv`, `add_zero_attn`, an `embed_dim` that `num_heads`
 * does not divide, `batch_first=False` (Netwright holds sequences batch first).
 */
function readTorchAttention(
  args: Readonly<Record<string, unknown>>,
  tensors: Readonly<Record<string, Shape | undefined>>,
): torch.SourceRead {
  const embed = torch.needInt(args, 'embed_dim');
  const heads = torch.needInt(args, 'num_heads');
  if (heads < 1 || embed % heads !== 0)
    throw new Error(`embed_dim ${embed} is not a multiple of num_heads ${heads}`);
  torch.onlyDefault(args, 'add_bias_kv', false);
  torch.onlyDefault(args, 'add_zero_attn', false);
  if (args.batch_first !== true)
    throw new Error(
      'Netwright holds sequences batch first, (N, steps, features): write batch_first=True',
    );
  const dropout = args.dropout ?? 0;
  if (typeof dropout !== 'number' || dropout < 0 || dropout >= 1)
    throw new Error(`dropout must be a number in [0, 1), not ${JSON.stringify(dropout)}`);
  for (const [name, dim] of [
    ['key', 'kdim'],
    ['value', 'vdim'],
  ] as const) {
    const size = args[dim] ?? null;
    const want = size === null ? embed : torch.readInt(size, dim);
    const got = featuresOf(tensors[name]);
    if (got !== undefined && got !== want)
      throw new Error(
        `the ${name} has ${got} features but the module takes ${want} (${size === null ? 'embed_dim, as kdim/vdim are not given' : dim})`,
      );
  }
  return {
    params: {
      num_heads: heads,
      key_dim: embed / heads,
      value_dim: null,
      dropout,
      use_bias: torch.readBool(args.bias, 'bias', true),
      output_shape: null,
    },
    inFeatures: embed,
    inputShape: [null, embed],
    returnsWeights: true,
  };
}

/** The generator's own helper, `KerasMultiHeadAttention(query_features, …)` (above). */
function readKerasAttention(
  args: Readonly<Record<string, unknown>>,
  tensors: Readonly<Record<string, Shape | undefined>>,
): torch.SourceRead {
  const n = (name: string) => torch.needInt(args, name);
  const [queryFeatures, keyDim, valueDim, outDim] = [
    n('query_features'),
    n('key_dim'),
    n('value_dim'),
    n('output_dim'),
  ];
  for (const name of ['value', 'key'] as const) {
    const got = featuresOf(tensors[name] ?? tensors.value);
    const want = n(`${name}_features`);
    if (got !== undefined && got !== want)
      throw new Error(`the ${name} has ${got} features but ${name}_features is ${want}`);
  }
  return {
    params: {
      num_heads: n('num_heads'),
      key_dim: keyDim,
      value_dim: valueDim === keyDim ? null : valueDim,
      dropout: args.dropout ?? 0,
      use_bias: torch.readBool(args.bias, 'bias', true),
      output_shape: outDim === queryFeatures ? null : outDim,
    },
    inFeatures: queryFeatures,
    inputShape: [null, queryFeatures],
  };
}

const torchHooks: torch.Hooks = {
  source: {
    modules: {
      MultiheadAttention: [
        'embed_dim',
        'num_heads',
        'dropout',
        'bias',
        'add_bias_kv',
        'add_zero_attn',
        'kdim',
        'vdim',
        'batch_first',
      ],
    },
    helpers: {
      KerasMultiHeadAttention: [
        'query_features',
        'value_features',
        'key_features',
        'num_heads',
        'key_dim',
        'value_dim',
        'output_dim',
        'dropout',
        'bias',
      ],
    },
    calls: {
      // forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
      // average_attn_weights=True, is_causal=False): masks change the result, so only None.
      MultiheadAttention: {
        tensors: ['query', 'key', 'value'],
        ports: ['query', 'value', 'key'],
        keywords: {
          need_weights: 'any',
          average_attn_weights: 'any',
          key_padding_mask: [null],
          attn_mask: [null],
          is_causal: [false],
        },
      },
      KerasMultiHeadAttention: {
        tensors: ['query', 'value', 'key'],
        ports: ['query', 'value', 'key'],
        defaults: { key: 'value' },
      },
    },
    read: ({ args, tensors }) =>
      'embed_dim' in args
        ? readTorchAttention(args, tensors ?? {})
        : readKerasAttention(args, tensors ?? {}),
  },
  plan: ({ op }) => {
    const { query, value, key } = attentionInputs(op.inputShapes);
    const { heads, keyDim, valueDim, outDim } = attentionSizes(op.inputShapes, op.params);
    const args = [
      `query_features=${query[1]}`,
      `value_features=${value[1]}`,
      `key_features=${key[1]}`,
      `num_heads=${heads}`,
      `key_dim=${keyDim}`,
      `value_dim=${valueDim}`,
      `output_dim=${outDim}`,
    ].join(', ');
    const dropout = op.params.dropout as number;
    const extra = [
      ...(dropout ? [`dropout=${torch.pyFloat(dropout)}`] : []),
      ...(op.params.use_bias ? [] : ['bias=False']),
    ];
    return {
      steps: [
        {
          module: `KerasMultiHeadAttention(${[args, ...extra].join(', ')})`,
          weights: true,
          helper: KERAS_MHA,
          call: (m, _, ins) =>
            ins.length === 1 ? `${m}(${ins[0]}, ${ins[0]})` : `${m}(${ins.join(', ')})`,
        },
      ],
    };
  },
  weights: ({ op }) => {
    const arrays: Record<string, torch.WeightCopy[]> = {};
    for (const [dense, attr] of [
      ['query', 'query'],
      ['key', 'key'],
      ['value', 'value'],
    ] as const) {
      arrays[`${dense}/kernel`] = [{ attr: `${attr}.weight`, expr: linearKernel }];
      if (op.params.use_bias)
        arrays[`${dense}/bias`] = [{ attr: `${attr}.bias`, expr: (a) => `${a}.reshape(-1)` }];
    }
    arrays['attention_output/kernel'] = [
      { attr: 'output.weight', expr: (a) => `${a}.reshape(-1, ${a}.shape[-1]).T` },
    ];
    if (op.params.use_bias) arrays['attention_output/bias'] = [{ attr: 'output.bias' }];
    return {
      note: 'MultiHeadAttention: Keras kernels (features, heads, size) → nn.Linear weights (heads · size, features); the output kernel (heads, value_dim, out) → (out, heads · value_dim).',
      arrays,
    };
  },
};

// ─── end torch ───

// ─── TF.js: layers, weight arrays, cost (hooks: ../backends/tfjs.ts) ───

const tfjsHooks: tfjs.Hooks = {
  // tfjs-layers has no MultiHeadAttention: mixing-tfjs.ts's layer, Keras's computation and
  // weight arrays.
  layers: (tf, op, ctx) => {
    const p = op.params;
    return [
      new (mixingLayers(tf).MultiHeadAttention)({
        name: op.name,
        numHeads: p.num_heads as number,
        keyDim: p.key_dim as number,
        valueDim: p.value_dim as number | null,
        dropout: p.dropout as number,
        useBias: p.use_bias as boolean,
        outputShape: p.output_shape as number | null,
        ...tfjs.kernelInit(tf, ctx),
      }),
    ];
  },
  weights: (op) => {
    const { query, value, key } = attentionInputs(op.inputShapes);
    const { heads, keyDim, valueDim, outDim } = attentionSizes(op.inputShapes, op.params);
    const shapes: Record<string, number[]> = {
      'query/kernel': [query[1]!, heads, keyDim],
      'query/bias': [heads, keyDim],
      'key/kernel': [key[1]!, heads, keyDim],
      'key/bias': [heads, keyDim],
      'value/kernel': [value[1]!, heads, valueDim],
      'value/bias': [heads, valueDim],
      'attention_output/kernel': [heads, valueDim, outDim],
      'attention_output/bias': [outDim],
    };
    return MHA_ARRAYS.filter((n) => op.params.use_bias || !n.endsWith('/bias')).map((name) => ({
      name,
      shape: shapes[name]!,
    }));
  },
  forwardFlops: (op) => {
    const { query, value, key } = attentionInputs(op.inputShapes);
    const { heads, keyDim, valueDim, outDim } = attentionSizes(op.inputShapes, op.params);
    const [tq, tk] = [query[0]!, value[0]!];
    const projections =
      2 * heads * (tq * query[1]! * keyDim + tk * key[1]! * keyDim + tk * value[1]! * valueDim);
    const scores = 2 * heads * tq * tk * keyDim + 3 * heads * tq * tk; // q·kᵀ, softmax
    const mix = 2 * heads * tq * tk * valueDim;
    const output = 2 * tq * heads * valueDim * outDim;
    return projections + scores + mix + output;
  },
  // Kept for backprop: the projected q, k, v, the scores and weights, the mixed values, the output.
  keptValues: (op) => {
    const { query, value } = attentionInputs(op.inputShapes);
    const { heads, keyDim, valueDim, outDim } = attentionSizes(op.inputShapes, op.params);
    const [tq, tk] = [query[0]!, value[0]!];
    return (
      heads * (tq * keyDim + tk * keyDim + 2 * tk * valueDim + 2 * tq * tk + tq * valueDim) +
      tq * outDim
    );
  },
};

// ─── end tfjs ───

// ─── ONNX: export and import (hooks: ../backends/onnx.ts) ───

/**
 * ONNX, channels last as in Keras: per input a `MatMul` with the kernel seen as
 * (features, heads · size) and an `Add` of the bias, `Reshape` to (N, steps, heads, size) and
 * `Transpose` to (N, heads, steps, size); the query times 1/sqrt(key_dim); scores
 * `MatMul(q, kᵀ)`, `Softmax` over the key steps, `MatMul` with the values; back to
 * (N, steps, heads · value_dim) and the output projection. Dropout is off at inference.
 */
const onnxHooks: onnx.Hooks = {
  export: ({ g, op, ins, weight }) => {
    const n = op.name;
    const [q0, v0, k0] = [ins[0]!, ins[1] ?? ins[0]!, ins[2] ?? ins[1] ?? ins[0]!];
    const { heads, keyDim, valueDim, outDim } = attentionSizes(op.inputShapes, op.params);
    const bias = op.params.use_bias as boolean;
    const dense = (x: string, name: string, cols: number): string => {
      const k = weight(`${name}/kernel`);
      const rows = k.shape[0]!;
      let y = g.node(
        `${n}/${name}/MatMul`,
        'MatMul',
        [x, g.floats(`${n}/${name}/kernel`, [rows, cols], k.data)],
        `${n}/${name}/MatMul`,
      );
      if (bias) {
        const b = weight(`${name}/bias`);
        y = g.node(
          `${n}/${name}/Add`,
          'Add',
          [y, g.floats(`${n}/${name}/bias`, [cols], b.data)],
          `${n}/${name}/Add`,
        );
      }
      return y;
    };
    const split = (x: string, name: string, size: number): string => {
      const r = g.node(
        `${n}/${name}/Reshape`,
        'Reshape',
        [x, g.int64s(`${n}/${name}/heads`, [0, 0, heads, size])],
        `${n}/${name}/Reshape`,
      );
      return g.node(`${n}/${name}/Transpose`, 'Transpose', [r], `${n}/${name}/Transpose`, [
        onnx.ints('perm', [0, 2, 1, 3]),
      ]);
    };
    const qh = split(dense(q0, 'query', heads * keyDim), 'query', keyDim);
    const q = g.node(
      `${n}/scale`,
      'Mul',
      [qh, g.floats(`${n}/inv_sqrt_key_dim`, [], Float32Array.of(1 / Math.sqrt(keyDim)))],
      `${n}/scale`,
    );
    const kh = split(dense(k0, 'key', heads * keyDim), 'key', keyDim);
    const kt = g.node(`${n}/key/TransposeT`, 'Transpose', [kh], `${n}/key/TransposeT`, [
      onnx.ints('perm', [0, 1, 3, 2]),
    ]);
    const vh = split(dense(v0, 'value', heads * valueDim), 'value', valueDim);
    const scores = g.node(`${n}/scores`, 'MatMul', [q, kt], `${n}/scores`);
    // The dropout on the attention weights acts only while training: no node; its rate rides in
    // the Softmax's doc string so that importing the file gives the block back whole.
    const w = g.node(
      `${n}/Softmax`,
      'Softmax',
      [scores],
      `${n}/Softmax`,
      [onnx.int('axis', 3)],
      `${MHA_DROPOUT_DOC}${String(op.params.dropout)}`,
    );
    const mixed = g.node(`${n}/mix`, 'MatMul', [w, vh], `${n}/mix`);
    const back = g.node(`${n}/mix/Transpose`, 'Transpose', [mixed], `${n}/mix/Transpose`, [
      onnx.ints('perm', [0, 2, 1, 3]),
    ]);
    const joined = g.node(
      `${n}/mix/Reshape`,
      'Reshape',
      [back, g.int64s(`${n}/mix/shape`, [0, 0, heads * valueDim])],
      `${n}/mix/Reshape`,
    );
    const k = weight('attention_output/kernel');
    const out = g.node(
      `${n}/attention_output/MatMul`,
      'MatMul',
      [joined, g.floats(`${n}/attention_output/kernel`, [heads * valueDim, outDim], k.data)],
      bias ? `${n}/attention_output/MatMul` : n,
    );
    if (!bias) return out;
    const b = weight('attention_output/bias');
    return g.node(
      `${n}/attention_output/Add`,
      'Add',
      [out, g.floats(`${n}/attention_output/bias`, [outDim], b.data)],
      n,
    );
  },
  import: [{ ops: ['MatMul'], first: true, match: (node, ctx) => importAttention(node, ctx) }],
};

/**
 * Netwright's own MultiHeadAttention block (the export above), read whole at its first node
 * `<block>/query/MatMul`: the inputs are what `<block>/query|value|key/MatMul` read (one input
 * when all three read the same tensor, two when key and value do: Keras's defaults), the sizes
 * come from the `<block>/query|value/heads` reshapes and the output kernel, the arrays from the
 * initializers (same memory order as Keras's `(features, heads, size)` kernels). `dropout` acts
 * only while training, so no node holds it: it is read from the Softmax's doc string
 * (`keras dropout=<rate>`), 0 when that is missing or not a rate in [0, 1). Attention from
 * another exporter is not read: a torch `nn.MultiheadAttention` export is refused node by node
 * (its MatMul/Transpose/Softmax nodes are not blocks Netwright has).
 */
/** The doc string prefix of the Softmax node that carries MultiHeadAttention's dropout rate. */
const MHA_DROPOUT_DOC = 'keras dropout=';

/** The dropout rate in a Softmax doc string `keras dropout=<rate>`; 0 when there is none. */
function dropoutOf(doc: string | undefined): number {
  if (!doc?.startsWith(MHA_DROPOUT_DOC)) return 0;
  const rate = Number(doc.slice(MHA_DROPOUT_DOC.length));
  return Number.isFinite(rate) && rate >= 0 && rate < 1 ? rate : 0;
}

function importAttention(node: onnx.DecodedNode, ctx: onnx.ImportContext): boolean | void {
  const name = ctx.layerNameOf(node);
  if (!ctx.ours || node.name !== `${name}/query/MatMul`) return false;
  const block = ctx.blockNodes(node);
  const named = (part: string) => block.find((b) => b.name === `${name}/${part}`);
  const [key, value] = [named('key/MatMul'), named('value/MatMul')];
  const qHeads = ctx.intsOf(`${name}/query/heads`);
  const vHeads = ctx.intsOf(`${name}/value/heads`);
  if (!key || !value || !named('Softmax') || qHeads?.length !== 4 || vHeads?.length !== 4)
    return false;
  const [q, v, k] = [node, value, key].map((b) => b.inputs[0]!);
  const tensors = q === v && v === k ? [q] : v === k ? [q, v] : [q!, v!, k!];
  const ins = tensors.map((t) => ctx.stateOf(node, t));
  for (const s of ins) ctx.requireChannelsLast(s, 'MultiHeadAttention');
  const [heads, keyDim, valueDim] = [qHeads[2]!, qHeads[3]!, vHeads[3]!];
  const out = ctx.floatsOf(`${name}/attention_output/kernel`, 'an output kernel');
  const outDim = out.dims[1]!;
  const useBias = ctx.inits.has(`${name}/query/bias`);
  const features = (t: string) => ctx.stateOf(node, t).shape[1]!;
  const shapes: Record<string, number[]> = {
    'query/kernel': [features(q!), heads, keyDim],
    'query/bias': [heads, keyDim],
    'key/kernel': [features(k!), heads, keyDim],
    'key/bias': [heads, keyDim],
    'value/kernel': [features(v!), heads, valueDim],
    'value/bias': [heads, valueDim],
    'attention_output/kernel': [heads, valueDim, outDim],
    'attention_output/bias': [outDim],
  };
  const weights = MHA_ARRAYS.filter((w) => useBias || !w.endsWith('/bias')).map((w) => {
    const t = ctx.floatsOf(`${name}/${w}`, w);
    const shape = shapes[w]!;
    if (t.floats.length !== shape.reduce((a, b) => a * b, 1))
      throw new onnx.Unsupported(
        `${w} of ${t.floats.length} values for shape (${shape.join(', ')})`,
      );
    return { name: w, shape, data: t.floats };
  });
  ctx.addLayer(
    { ...node, outputs: [name] },
    'MultiHeadAttention',
    {
      num_heads: heads,
      key_dim: keyDim,
      value_dim: valueDim === keyDim ? null : valueDim,
      dropout: dropoutOf(named('Softmax')!.docString),
      use_bias: useBias,
      output_shape: outDim === features(q!) ? null : outDim,
    },
    ins,
    null,
    weights,
  );
  ctx.take(block);
}

// ─── end onnx ───

// ─── Explanation: card, arithmetic, lints, inspector hints (hooks: ../backends/explain.ts) ───

const explainHooks: explain.Hooks = {
  card: {
    title: 'MultiHeadAttention',
    what: 'Every query step scores every key step (q · k / √key_dim), turns the scores into weights with softmax, and takes the weighted mix of the value steps; several heads do this side by side with their own projections. One wire: the sequence attends to itself (self-attention).',
    formula:
      'head = softmax(Q·Kᵀ / √key_dim) · V, with Q = x_q·W_q, K = x_k·W_k, V = x_v·W_v; y = [head₁ … headₕ] · W_o',
    when: 'Sequences where any step may depend on any other: the core of Transformers.',
  },
  arithmetic: (p, inputs) => {
    const { query, value, key } = attentionInputs(inputs);
    const { heads, keyDim, valueDim, outDim } = attentionSizes(inputs, p);
    const c = explain.count;
    const b = (n: number) => (p.use_bias ? ` + ${c(n)}` : '');
    const total = MultiHeadAttentionLayer.paramCount(inputs, p).trainable;
    return {
      params: `query ${query[1]}×${heads}×${keyDim}${b(heads * keyDim)}, key ${key[1]}×${heads}×${keyDim}${b(heads * keyDim)}, value ${value[1]}×${heads}×${valueDim}${b(heads * valueDim)}, output ${heads}×${valueDim}×${outDim}${b(outDim)} = ${c(total)}`,
      shape: [`steps: ${query[0]} (the query's); features: ${outDim}`],
    };
  },
  // Short enough for the block header (the key size is in the inspector).
  digest: (p) => (p.num_heads === undefined ? '' : `${String(p.num_heads)} heads`),
};

// ─── end explain ───

/** The input ports in Keras's call order: `mha(query, value, key)`. */
export const MHA_PORTS = ['query', 'value', 'key'] as const;

/**
 * Query, value and key shapes from the wired inputs: one wire is self-attention (query = value =
 * key), two are query and value (key = value, as in Keras when `key` is not given).
 */
export function attentionInputs(inputs: readonly Shape[]): {
  query: Shape;
  value: Shape;
  key: Shape;
} {
  const query = inputs[0]!;
  const value = inputs[1] ?? query;
  return { query, value, key: inputs[2] ?? value };
}

/** Sizes of the projections: heads, per-head key/value sizes, output features. */
export function attentionSizes(
  inputs: readonly Shape[],
  p: ResolvedParams,
): { heads: number; keyDim: number; valueDim: number; outDim: number } {
  const { query } = attentionInputs(inputs);
  const keyDim = p.key_dim as number;
  return {
    heads: p.num_heads as number,
    keyDim,
    valueDim: (p.value_dim as number | null) ?? keyDim,
    outDim: (p.output_shape as number | null) ?? query[query.length - 1]!,
  };
}

export const MultiHeadAttentionLayer: LayerDef = {
  type: 'MultiHeadAttention',
  group: 'Attention',
  kerasName: 'MultiHeadAttention',
  torchName: 'nn.Linear ×4 + softmax',
  summary:
    'Each query step takes a weighted mix of the value steps, weighted by how well it matches their keys, in several heads at once. One wire: self-attention.',
  params: [
    { name: 'num_heads', label: 'Heads', kind: 'int', default: 2, min: 1, max: 1024 },
    {
      name: 'key_dim',
      label: 'Key size',
      kind: 'int',
      default: 16,
      min: 1,
      max: 65_536,
      help: 'Size of each attention head for query and key.',
    },
    {
      name: 'value_dim',
      label: 'Value size',
      kind: 'int',
      default: null,
      nullable: true,
      min: 1,
      max: 65_536,
      help: 'Size of each attention head for value; empty: the key size.',
    },
    {
      name: 'dropout',
      label: 'Dropout',
      kind: 'float',
      default: 0,
      min: 0,
      max: 1,
      maxExclusive: true,
      help: 'Fraction of attention weights dropped while training.',
    },
    { name: 'use_bias', label: 'Use bias', kind: 'bool', default: true },
    {
      name: 'output_shape',
      label: 'Output size',
      kind: 'int',
      default: null,
      nullable: true,
      min: 1,
      max: 1_000_000,
      help: "Features of each output step; empty: the query's features.",
    },
  ],
  // Ports in order: query, value, key. Attention runs over the steps axis (Keras's default
  // attention_axes); masks and the causal mask are not offered.
  inputs: { min: 1, max: 3 },
  inferShape: (inputs, p) => {
    for (const [i, shape] of inputs.entries()) {
      if (shape.length !== 2) {
        return {
          ok: false,
          code: 'E003',
          message: `MultiHeadAttention takes sequences (steps, features) but its ${MHA_PORTS[i]} input is ${formatShape(shape)}${
            shape.length === 1 ? '; add a Reshape to (steps, features) or use an Embedding' : ''
          }`,
        };
      }
    }
    const { query, value, key } = attentionInputs(inputs);
    if (key[0] !== value[0]) {
      return {
        ok: false,
        code: 'E002',
        message: `MultiHeadAttention needs key and value with the same number of steps but gets key ${formatShape(key)} and value ${formatShape(value)}`,
      };
    }
    return ok([query[0]!, attentionSizes(inputs, p).outDim]);
  },
  // keras/src/layers/attention/multi_head_attention.py `build`: EinsumDense query/key
  // kernels (features, heads, key_dim), value kernel (features, heads, value_dim), output kernel
  // (heads, value_dim, out); biases (heads, key_dim), (heads, key_dim), (heads, value_dim), (out).
  paramCount: (inputs, p) => {
    const { query, value, key } = attentionInputs(inputs);
    const { heads, keyDim, valueDim, outDim } = attentionSizes(inputs, p);
    const kernels =
      query[1]! * heads * keyDim +
      key[1]! * heads * keyDim +
      value[1]! * heads * valueDim +
      heads * valueDim * outDim;
    const biases = p.use_bias ? 2 * heads * keyDim + heads * valueDim + outDim : 0;
    return { trainable: kernels + biases, nonTrainable: 0 };
  },
  keras: kerasHooks,
  torch: torchHooks,
  tfjs: tfjsHooks,
  onnx: onnxHooks,
  explain: explainHooks,
};
