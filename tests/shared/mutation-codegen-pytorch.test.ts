/**
 * Tests written from the survivors of a mutation run over shared/codegen/pytorch.ts (report
 * reports/mutation/cg-pytorch.json): what the layer kinds' steps ask of the file (F, helper
 * classes written once, the Permute class), the notes, the parameter counts that differ from
 * Keras and `torchTrainableCount`, ops of several modules, the weight-copy errors and the
 * 99-column wrapping of `copy_weight`/`copy_array` calls, nn.Sequential's comments and docstring,
 * the loss's targets and imports, and the docstring's run lines. Every expected value is written
 * out by hand.
 *
 * Equivalent mutants (no observable difference, so no test can kill them):
 * - pytorch.ts:142 OptionalChaining `getLayer(op.type).torch`: countDiffers only sees ops that
 *   planOp planned, and planOp has thrown already for an op with no layer kind.
 * - pytorch.ts:156 BooleanLiteral `contextOf(op, NO_LOSS, true)`: NO_LOSS leaves no activation to
 *   a loss (`logitsActivation: null`), so `isOutput` changes nothing.
 * - pytorch.ts:209 Regex (the `$` of `/\(.*$/` dropped): `.*` is greedy and a loss module's text
 *   has no line break, so both cut from the first "(" to the end.
 * - pytorch.ts:323 ArrayDeclaration (`?? ["Stryker was here"]` for the Input, which has no plan):
 *   a string has no `module`, so moduleOf still finds none.
 * - pytorch.ts:370 ArrayDeclaration (the same for weightModules): a string has no `weights`,
 *   `module` or `seq`, so it adds no path and moves no index.
 * - pytorch.ts:878 StringLiteral `writeLoadData(w, "", …)`: writeLoadData only asks whether the
 *   framework is 'keras', and '' is not either.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CodegenOptions, CodegenSource } from '../../shared/codegen/common.ts';
import { generateCode } from '../../shared/codegen/index.ts';
import {
  type PytorchOptions,
  generatePytorch,
  torchTrainableCount,
} from '../../shared/codegen/pytorch.ts';
import type { TrainingSettings } from '../../shared/graph/project.ts';
import { emptyProject } from '../../shared/graph/project.ts';
import { type ModelIR, lowerGraph } from '../../shared/ir/lower.ts';
import type * as torch from '../../shared/layers/backends/torch.ts';
import { DenseLayer } from '../../shared/layers/kinds/dense.ts';
import { InputLayer } from '../../shared/layers/kinds/input.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { graphOf } from './graph-builder.ts';

type Block = [id: string, type: string, params?: Record<string, unknown>];

/** A project named `name` from blocks and wires (see `graphOf`), as the code generator gets it. */
function sourceOf(
  blocks: Block[],
  wires: string[],
  labels: Record<string, string> = {},
  name = 'Net',
): CodegenSource {
  const project = emptyProject(name);
  const graph = graphOf(blocks, wires);
  project.graph = {
    ...graph,
    nodes: graph.nodes.map((n) => (labels[n.id] ? { ...n, label: labels[n.id] } : n)),
  };
  const lowered = lowerGraph(project.graph);
  if (!lowered.ok) throw new Error(`graph must lower: ${JSON.stringify(lowered.diagnostics)}`);
  return { name: project.name, ir: lowered.ir, training: project.training };
}

/** Input of shape `shape` → the given blocks, one after the other. */
function chainOf(shape: number[], ...blocks: Block[]): CodegenSource {
  const all: Block[] = [['in', 'Input', { shape }], ...blocks];
  return sourceOf(
    all,
    all.slice(1).map((b, i) => `${all[i]![0]}->${b[0]}`),
  );
}

/** The script of a chain, without training unless asked. */
function scriptOf(source: CodegenSource, options: PytorchOptions = {}): string {
  return generatePytorch(source, { includeTraining: false, ...options }).code;
}

/** A template's PyTorch script with some training settings changed. */
function templateScript(
  template: string,
  training: Partial<TrainingSettings> = {},
  options: CodegenOptions & PytorchOptions = {},
): string {
  const project = loadTemplate(template);
  Object.assign(project.training, training);
  const result = generateCode(project, 'pytorch', options);
  if (!result.ok) throw new Error(`${template} must lower`);
  return result.code.code;
}

const F_IMPORT = 'import torch.nn.functional as F';

const originalDense = DenseLayer.torch;
const originalInput = InputLayer.torch;
afterEach(() => {
  DenseLayer.torch = originalDense;
  InputLayer.torch = originalInput;
});

describe('the activation the hooks get from their context', () => {
  it('the loss’s activation gives no step, only the note; linear gives no step at all', () => {
    const seen: Record<string, { softmax: torch.Plan; linear: torch.Plan }> = {};
    DenseLayer.torch = {
      ...originalDense,
      plan: (ctx) => {
        seen[ctx.op.id] = {
          softmax: ctx.activation('softmax', false),
          linear: ctx.activation('linear', false),
        };
        return originalDense.plan(ctx);
      },
    };
    const src = chainOf([4], ['out', 'Dense', { units: 3, activation: 'softmax' }]);
    scriptOf(src, { includeTraining: true });
    expect(seen.out!.softmax).toEqual({
      steps: [],
      notes: [
        'No softmax here: nn.CrossEntropyLoss applies log-softmax to the logits itself, and a second softmax would squash the gradients (the double-softmax bug). predict_proba() applies it.',
      ],
    });
    expect(seen.out!.linear).toEqual({ steps: [] });
  });

  it('only the op whose activation the loss takes: a hidden softmax stays', () => {
    const code = scriptOf(
      chainOf(
        [4],
        ['h', 'Dense', { units: 3, activation: 'softmax' }],
        ['out', 'Dense', { units: 3, activation: 'softmax' }],
      ),
    );
    expect(code).toContain(`    def forward(self, x):
        x = torch.softmax(self.h(x), dim=-1)
        # No softmax here: nn.CrossEntropyLoss applies log-softmax to the logits itself, and a
        # second softmax would squash the gradients (the double-softmax bug). predict_proba()
        # applies it.
        x = self.out(x)
        return x
`);
  });
});

describe('planning the ops', () => {
  it('names a block type with no layer kind', () => {
    const src = chainOf([4], ['d', 'Dense', { units: 3 }]);
    const ir: ModelIR = {
      ...src.ir,
      ops: src.ir.ops.map((op) => (op.id === 'd' ? { ...op, type: 'Warp' } : op)),
    };
    expect(() => generatePytorch({ ...src, ir })).toThrow(
      'PyTorch back-end: no layer for block type "Warp"',
    );
  });

  it('never asks the Input for a plan', () => {
    InputLayer.torch = {
      plan: () => {
        throw new Error('the Input was planned');
      },
    };
    expect(scriptOf(chainOf([4], ['d', 'Dense', { units: 3 }]))).toContain(
      '        self.d = nn.Linear(4, 3)\n',
    );
  });

  it('drops empty notes and writes the others before the op’s line', () => {
    DenseLayer.torch = {
      ...originalDense,
      plan: (ctx) => ({ steps: originalDense.plan(ctx).steps, notes: ['', 'A kept note.', ''] }),
    };
    expect(scriptOf(chainOf([4], ['d', 'Dense', { units: 3 }]))).toContain(`
    def forward(self, x):
        # A kept note.
        x = self.d(x)
        return x
`);
  });
});

describe('what the steps need: F, helper classes, Permute', () => {
  it('a file whose steps use no F does not import it', () => {
    expect(templateScript('toy-2d-classifier', {}, { includeTraining: false })).toContain(`"""

import numpy as np
import torch
from torch import nn

INPUT_SHAPE = (2,)  # one example
`);
  });

  it('a functional step (LeakyReLU) imports F', () => {
    const code = scriptOf(chainOf([4], ['d', 'Dense', { units: 3 }], ['act', 'LeakyReLU']));
    expect(code).toContain(`import numpy as np
import torch
${F_IMPORT}
from torch import nn
`);
    expect(code).toContain('        x = F.leaky_relu(x, 0.3)\n');
  });

  it('a helper class is written once, before the model, with two blank lines after it', () => {
    const code = scriptOf(
      chainOf([4], ['r1', 'Rescaling', { scale: 2 }], ['r2', 'Rescaling', { scale: 3 }]),
    );
    expect(code).toContain(`SEED = 42


class Rescaling(nn.Module):
    """Keras Rescaling: x * scale + offset, element-wise (no weights)."""

    def __init__(self, scale, offset):
        super().__init__()
        self.scale = scale
        self.offset = offset

    def forward(self, x):
        return x * self.scale + self.offset


class Net(nn.Module):
`);
    expect(code.match(/class Rescaling/g)).toHaveLength(1);
    expect(code).toContain(
      '        self.r1 = Rescaling(2.0, 0.0)\n        self.r2 = Rescaling(3.0, 0.0)\n',
    );
    // Rescaling's helper does not use F.
    expect(code).not.toContain(F_IMPORT);
  });

  it('a helper that uses F (AvgPool2dSame) imports F', () => {
    // 5 × 5, pool 2, stride 2, 'same': 3 outputs, (3 - 1)·2 + 2 - 5 = 1 pad, all bottom/right.
    const code = scriptOf(
      chainOf([5, 5, 1], ['pool', 'AveragePooling2D', { pool_size: [2, 2], padding: 'same' }]),
    );
    expect(code).toContain(`import torch\n${F_IMPORT}\nfrom torch import nn\n`);
    expect(code).toContain('        self.pool = AvgPool2dSame(2, 2, (0, 1, 0, 1))\n');
    expect(code.match(/class AvgPool2dSame/g)).toHaveLength(1);
  });

  it('of two helpers with one name, the first asked for is the one written', () => {
    DenseLayer.torch = {
      ...originalDense,
      plan: (ctx) => {
        const plan = originalDense.plan(ctx);
        const helper: torch.Helper = {
          name: 'Shared',
          write: (w) => w.line(`SHARED = "${ctx.op.name}"`),
        };
        return { steps: [...plan.steps, { fn: (v) => v, seq: ['nn.Identity()'], helper }] };
      },
    };
    const code = scriptOf(chainOf([4], ['a', 'Dense', { units: 3 }], ['b', 'Dense', { units: 2 }]));
    expect(code).toContain('SEED = 42\n\n\nSHARED = "a"\n\n\nclass Net(nn.Module):\n');
    expect(code).not.toContain('SHARED = "b"');
  });

  it('a step that only asks for a helper adds nothing to forward or to nn.Sequential', () => {
    DenseLayer.torch = {
      ...originalDense,
      plan: (ctx) => {
        const helper: torch.Helper = { name: 'Marker', write: (w) => w.line('MARKER = 1') };
        return { steps: [...originalDense.plan(ctx).steps, { helper }] };
      },
    };
    const src = chainOf([4], ['d', 'Dense', { units: 3 }]);
    const module = scriptOf(src);
    expect(module).toContain('SEED = 42\n\n\nMARKER = 1\n\n\nclass Net(nn.Module):\n');
    expect(module).toContain('        x = self.d(x)\n        return x\n');
    const sequential = scriptOf(src, { style: 'sequential' });
    expect(sequential).toContain(`    return nn.Sequential(
        nn.Linear(4, 3),  # d
    )
`);
    expect(sequential).toContain(
      '        copy_weight(model[0].weight, arrays, "d/kernel", (1, 0))\n' +
        '        copy_weight(model[0].bias, arrays, "d/bias")\n',
    );
  });

  it('nn.Sequential gets the Permute class only when a module list uses Permute', () => {
    const dense = templateScript(
      'toy-2d-classifier',
      {},
      { includeTraining: false, style: 'sequential' },
    );
    expect(dense).toContain('SEED = 42\n\n\ndef build_model():\n');
    expect(dense).not.toContain('class Permute');
    DenseLayer.torch = {
      ...originalDense,
      plan: (ctx) => ({
        steps: [
          ...originalDense.plan(ctx).steps,
          { fn: (v) => v, seq: ['nn.Identity()', 'Permute(0, 1)'] },
        ],
      }),
    };
    const mixed = scriptOf(chainOf([4], ['d', 'Dense', { units: 3 }]), { style: 'sequential' });
    expect(mixed).toContain('SEED = 42\n\n\nclass Permute(nn.Module):\n');
    expect(mixed).toContain(`        nn.Linear(4, 3),  # d
        nn.Identity(),
        Permute(0, 1),
    )
`);
  });
});

describe('parameter counts that differ from Keras', () => {
  it('torchTrainableCount adds the kinds’ own counts, Keras’s elsewhere, never the Input’s', () => {
    const src = chainOf([4], ['d', 'Dense', { units: 3 }], ['e', 'Dense', { units: 2 }]);
    // Keras: 4·3 + 3 = 15 and 3·2 + 2 = 8.
    expect(torchTrainableCount(src.ir)).toBe(23);
    DenseLayer.torch = {
      ...originalDense,
      paramCount: (ctx) => ({ trainable: ctx.op.id === 'd' ? 18 : 10, why: 'two biases' }),
    };
    InputLayer.torch = { ...originalInput, paramCount: () => ({ trainable: 100, why: 'no' }) };
    expect(torchTrainableCount(src.ir)).toBe(28);
  });

  it('torchTrainableCount takes Keras’s count for an op type with no layer kind', () => {
    const src = chainOf([4], ['d', 'Dense', { units: 3 }]);
    const ir: ModelIR = {
      ...src.ir,
      ops: src.ir.ops.map((op) =>
        op.id === 'd' ? { ...op, type: 'Warp', count: { trainable: 7, nonTrainable: 0 } } : op,
      ),
    };
    expect(torchTrainableCount(ir)).toBe(7);
  });

  it('a count equal to Keras’s says nothing; another is said by the module and in nn.Sequential', () => {
    const src = chainOf([4], ['d', 'Dense', { units: 3 }]);
    DenseLayer.torch = { ...originalDense, paramCount: () => ({ trainable: 15, why: 'same' }) };
    expect(scriptOf(src)).not.toContain('PyTorch counts');
    expect(scriptOf(src, { style: 'sequential' })).not.toContain('PyTorch counts');
    DenseLayer.torch = { ...originalDense, paramCount: () => ({ trainable: 18, why: 'two' }) };
    expect(scriptOf(src)).toContain(`        super().__init__()
        # PyTorch counts 18 trainable parameters here, Keras 15: two.
        self.d = nn.Linear(4, 3)
`);
    expect(scriptOf(src, { style: 'sequential' })).toContain(`    return nn.Sequential(
        # d: PyTorch counts 18 trainable parameters here, Keras 15: two.
        nn.Linear(4, 3),  # d
    )
`);
  });
});

describe('an op of several modules (Conv2D after its own ZeroPad2d)', () => {
  // 4 × 4, kernel 3, stride 2, 'same': 2 outputs, (2 - 1)·2 + 3 - 4 = 1 pad, bottom/right.
  const src = chainOf(
    [4, 4, 1],
    ['conv', 'Conv2D', { filters: 2, kernel_size: [3, 3], strides: [2, 2], padding: 'same' }],
  );

  it('is one nn.Sequential attribute, called once, its weights in the second module', () => {
    const code = scriptOf(src);
    expect(code).toContain(
      '        self.conv = nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(1, 2, kernel_size=3, stride=2))\n',
    );
    expect(code).toContain(`    def forward(self, x):
        # TensorFlow's 'same' padding with stride > 1 pads more at the bottom and right.
        x = self.conv(x)
        return x
`);
    expect(code).toContain(
      '        copy_weight(model.conv[1].weight, arrays, "conv/kernel", (3, 2, 0, 1))\n' +
        '        copy_weight(model.conv[1].bias, arrays, "conv/bias")\n',
    );
  });
});

describe('weight copies the kinds do not place', () => {
  const src = chainOf([4], ['d', 'Dense', { units: 3 }]);

  it('a kind with weights but no weight layout', () => {
    DenseLayer.torch = { plan: originalDense.plan };
    expect(() => scriptOf(src)).toThrow(
      'PyTorch back-end: Dense has weights but no torch weight layout',
    );
  });

  it('a Keras array with no copy, or an empty list of copies', () => {
    DenseLayer.torch = { ...originalDense, weights: () => ({ note: 'n', arrays: {} }) };
    expect(() => scriptOf(src)).toThrow(
      'PyTorch back-end: Dense does not say where Keras array "kernel" goes',
    );
    DenseLayer.torch = {
      ...originalDense,
      weights: () => ({ note: 'n', arrays: { kernel: [{ attr: 'weight' }], bias: [] } }),
    };
    expect(() => scriptOf(src)).toThrow(
      'PyTorch back-end: Dense does not say where Keras array "bias" goes',
    );
  });

  it('a copy into a weighted module the op does not have', () => {
    DenseLayer.torch = {
      ...originalDense,
      weights: () => ({
        note: 'n',
        arrays: { kernel: [{ attr: 'weight', module: 1 }], bias: [{ attr: 'bias' }] },
      }),
    };
    expect(() => scriptOf(src)).toThrow('PyTorch back-end: Dense has no weighted module 1');
  });
});

describe('load_weights: copy_array and the 99-column lines', () => {
  /** Dense hooks whose kernel (no bias) is copied through `np.flip(…, axis=0)` after a transpose. */
  function flipped(): void {
    DenseLayer.torch = {
      ...originalDense,
      weights: () => ({
        note: 'Flipped.',
        arrays: {
          kernel: [{ attr: 'weight', axes: [1, 0], expr: (a) => `np.flip(${a}, axis=0)` }],
        },
      }),
    };
  }

  it('copy_array follows copy_weight after two blank lines; a 99-column call stays on one line', () => {
    flipped();
    // 8 + len('copy_array(model.d.weight, np.flip(arrays["d/kernel"].transpose((1, 0)), axis=0), "d/kernel")') = 8 + 93 = 101: wrapped.
    const code = scriptOf(chainOf([4], ['d', 'Dense', { units: 3, use_bias: false }]));
    expect(code).toContain(`        tensor.copy_(torch.from_numpy(np.ascontiguousarray(array)))


def copy_array(tensor, array, key):
`);
    expect(code).toContain(`        # Flipped.
        copy_array(
            model.d.weight, np.flip(arrays["d/kernel"].transpose((1, 0)), axis=0), "d/kernel"
        )
`);
  });

  it('copy_array arguments of 91 characters (99 with the indent) share one line', () => {
    flipped();
    const code = scriptOf(chainOf([4], ['abc', 'Dense', { units: 3, use_bias: false }]));
    expect(code).toContain(`        copy_array(
            model.abc.weight, np.flip(arrays["abc/kernel"].transpose((1, 0)), axis=0), "abc/kernel"
        )
`);
  });

  it('longer copy_array arguments go one a line', () => {
    flipped();
    // The arguments would be 8 + 100 = 108 columns.
    const code = scriptOf(chainOf([4], ['abcdef', 'Dense', { units: 3, use_bias: false }]));
    expect(code).toContain(`        copy_array(
            model.abcdef.weight,
            np.flip(arrays["abcdef/kernel"].transpose((1, 0)), axis=0),
            "abcdef/kernel",
        )
`);
  });

  it('a copy_weight call of 91 characters (99 with the indent) stays on one line', () => {
    const code = scriptOf(chainOf([4], ['a_rather_long_dense', 'Dense', { units: 3 }]));
    expect(code).toContain(
      '        copy_weight(model.a_rather_long_dense.weight, arrays, "a_rather_long_dense/kernel", (1, 0))\n',
    );
  });

  it('a longer copy_weight call keeps its arguments on one line, however long', () => {
    const code = scriptOf(chainOf([4], ['a_dense_layer_with_a_long_name', 'Dense', { units: 3 }]));
    expect(code).toContain(`    with np.load(path) as arrays:
        # Dense kernels: Keras [in, out] → nn.Linear [out, in].
        copy_weight(
            model.a_dense_layer_with_a_long_name.weight, arrays, "a_dense_layer_with_a_long_name/kernel", (1, 0)
        )
        copy_weight(
            model.a_dense_layer_with_a_long_name.bias, arrays, "a_dense_layer_with_a_long_name/bias"
        )
    return model
`);
  });
});

describe('nn.Sequential style', () => {
  it('its docstring, and no predict_proba when forward gives no logits', () => {
    const code = templateScript(
      'regression-mlp',
      {},
      { includeTraining: false, style: 'sequential' },
    );
    expect(code).toContain(`def build_model():
    """Regression MLP (cars), the network drawn in Netwright, as nn.Sequential.

    Input: (N, 9). Output: (N, 1).
    """
    return nn.Sequential(
`);
    expect(code).not.toContain('predict_proba');
  });

  it('tags only the first module of an op, with its label after a colon', () => {
    const src = sourceOf(
      [
        ['in', 'Input', { shape: [2, 2, 3] }],
        ['gap', 'GlobalAveragePooling2D'],
        ['out', 'Dense', { units: 2 }],
      ],
      ['in->gap', 'gap->out'],
      { gap: 'Average' },
    );
    expect(scriptOf(src, { style: 'sequential' })).toContain(`    return nn.Sequential(
        nn.AdaptiveAvgPool2d(1),  # average: "Average"
        nn.Flatten(),
        nn.Linear(3, 2),  # out
    )
`);
  });

  it('a chain with an op that has its own call (GRU) is written as a module', () => {
    // GRU's steps: nn.GRU with its own call, then a step that only asks for the gru_gates helper.
    const code = scriptOf(
      chainOf([5, 3], ['rnn', 'GRU', { units: 4 }], ['out', 'Dense', { units: 1 }]),
      { style: 'sequential' },
    );
    expect(code).toContain('class Net(nn.Module):');
    expect(code).toContain('        x = self.rnn(x)[0][:, -1]\n');
    expect(code).not.toContain('nn.Sequential(');
  });
});

describe('labels in comments', () => {
  it('a label other than the name and the type is commented; one equal to the name is not', () => {
    const src = sourceOf(
      [
        ['in', 'Input', { shape: [4] }],
        ['a', 'Dense', { units: 3 }],
        ['b', 'Dense', { units: 2 }],
      ],
      ['in->a', 'a->b'],
      { a: 'First layer', b: 'second' },
    );
    expect(scriptOf(src)).toContain(`        super().__init__()
        self.first_layer = nn.Linear(4, 3)  # "First layer"
        self.second = nn.Linear(3, 2)
`);
  });
});

describe('predict_proba on a map', () => {
  it('softmax over the channels, dim 1, for an output held (N, C, H, W)', () => {
    const code = scriptOf(
      chainOf(
        [2, 2, 1],
        ['conv', 'Conv2D', { filters: 3, kernel_size: [1, 1], activation: 'softmax' }],
      ),
    );
    expect(code).toContain(`    def predict_proba(self, x):
        """Probabilities: the softmax that forward() leaves to the loss."""
        return torch.softmax(self(x), dim=1)
`);
  });
});

describe('targets, and F for one-hot targets', () => {
  it('values become one float column', () => {
    const code = templateScript('regression-mlp');
    expect(code).toContain(
      '    y = y.float().reshape(-1, 1)  # one target per example, like the output\n',
    );
    expect(code).not.toContain(F_IMPORT);
  });

  it('mse on softmax outputs: one-hot rows through F, only in a script that trains', () => {
    const code = templateScript('mnist-mlp', { loss: 'mse' });
    expect(code).toContain(`import torch\n${F_IMPORT}\nfrom torch import nn\n`);
    expect(code).toContain(
      '    y = F.one_hot(y.long(), 10).float()  # one-hot rows, like the output\n',
    );
    const model = templateScript('mnist-mlp', { loss: 'mse' }, { includeTraining: false });
    expect(model).not.toContain(F_IMPORT);
  });

  it('categorical cross-entropy takes class ids: no F', () => {
    const code = templateScript('mnist-mlp', { loss: 'categorical_crossentropy' });
    expect(code).toContain('    y = y.long()\n');
    expect(code).not.toContain(F_IMPORT);
  });
});

describe('the file’s docstring, imports and settings', () => {
  it('no run lines in a script that does not train', () => {
    expect(templateScript('toy-2d-classifier', {}, { includeTraining: false })).toMatch(
      /^"""2-D toy classifier: a PyTorch model\.\n\nGenerated by Netwright from the project's graph:\n3 layers, input \(None, 2\) → output \(None, 1\), 337 trainable parameters\.\n"""\n/,
    );
  });

  it('the install line and two runs, no --data run for generated data', () => {
    expect(templateScript('toy-2d-classifier')).toMatch(
      /^"""2-D toy classifier: a PyTorch model\.\n\nGenerated by Netwright from the project's graph:\n3 layers, input \(None, 2\) → output \(None, 1\), 337 trainable parameters\.\n\nRun it with:\n\n {4}pip install torch numpy\n\n {4}python torch_model\.py\n {4}python torch_model\.py --weights weights\.npz {2}# start from weights exported by Netwright\n"""\n/,
    );
  });

  it('data set imports only in a script that trains', () => {
    expect(templateScript('text-classifier')).toContain(
      '"""\n\nimport argparse\nimport json\nimport re\nimport os\n\nimport numpy as np\n',
    );
    const model = templateScript('text-classifier', {}, { includeTraining: false });
    expect(model).toContain('"""\n\nimport numpy as np\nimport torch\nfrom torch import nn\n');
    expect(model).not.toContain('import json');
  });

  it('TensorBoard: LOG_DIR after the settings', () => {
    expect(templateScript('toy-2d-classifier', {}, { tensorboard: true })).toContain(
      'SEED = 42\nLOG_DIR = "logs"  # TensorBoard reads its logs from here\n\n\nclass ',
    );
    expect(templateScript('toy-2d-classifier')).not.toContain('LOG_DIR');
  });
});
