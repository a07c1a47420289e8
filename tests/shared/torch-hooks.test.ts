/**
 * The PyTorch back-end's kit (`shared/layers/backends/torch.ts`) and the driver's use of the
 * hooks: layout helpers against hand-worked values (TensorFlow 'same' padding arithmetic from the
 * tf.nn.convolution docs, torch.permute orders from the torch docs), and the hook fields that no
 * kind of today's catalogue uses yet (`call`, `helper`, several weighted modules, `expr` weight
 * copies), through a kind whose hooks the test replaces.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generatePytorch, torchTrainableCount } from '../../shared/codegen/pytorch.ts';
import { emptyProject } from '../../shared/graph/project.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import * as torch from '../../shared/layers/backends/torch.ts';
import { DenseLayer } from '../../shared/layers/kinds/dense.ts';
import { graphOf } from './graph-builder.ts';

describe('held layout', () => {
  it('holds (H, W, C) channels first and everything else as Keras', () => {
    expect(torch.heldSpatialRank([8, 8, 3])).toBe(2);
    expect(torch.heldSpatialRank([10, 4])).toBe(0);
    expect(torch.heldSpatialRank([16])).toBe(0);
    expect(torch.torchShape([5, 7, 3])).toEqual([3, 5, 7]);
    expect(torch.torchShape([10, 4])).toEqual([10, 4]);
  });

  it('permute steps write the permutation for module and Sequential styles', () => {
    const nwcToNcw = torch.permuteStep(torch.toChannelsFirst(1));
    expect(nwcToNcw.fn!('x', ['x'])).toBe('x.permute(0, 2, 1)');
    expect(nwcToNcw.seq).toEqual(['Permute(0, 2, 1)']);
    expect(torch.permuteStep(torch.toChannelsLast(2)).fn!('v', ['v'])).toBe(
      'v.permute(0, 2, 3, 1)',
    );
  });

  it('concatenates along the torch dim of the Keras axis', () => {
    // (H, W, C) held (N, C, H, W): Keras axis 3 (C) → dim 1, 1 (H) → 2, 2 (W) → 3.
    expect(torch.torchConcatDim(-1, [8, 8, 3])).toBe(1);
    expect(torch.torchConcatDim(1, [8, 8, 3])).toBe(2);
    expect(torch.torchConcatDim(-2, [8, 8, 3])).toBe(3);
    // (steps, F) held as Keras: axis 2 → dim 2, axis 1 → dim 1.
    expect(torch.torchConcatDim(-1, [10, 4])).toBe(2);
    expect(torch.torchConcatDim(1, [10, 4])).toBe(1);
  });

  it('broadcasts a lower-rank operand the Keras way', () => {
    expect(torch.broadcastOperand('a', [3], [4, 4, 3])).toBe(
      'a.reshape(-1, 1, 1, 3).permute(0, 3, 1, 2)',
    );
    expect(torch.broadcastOperand('a', [4, 3], [2, 4, 3])).toBe(
      'a.reshape(-1, 1, 4, 3).permute(0, 3, 1, 2)',
    );
    expect(torch.broadcastOperand('a', [3], [5, 3])).toBe('a.reshape(-1, 1, 3)');
    expect(torch.broadcastOperand('a', [5, 3], [5, 3])).toBe('a');
  });
});

describe('windowPads', () => {
  it("gives TensorFlow's 'same' pads in F.pad and padding= forms", () => {
    // size 10, window 3, stride 2: out 5, total (5-1)*2+3-10 = 1 → (0, 1) on each axis.
    const uneven = torch.windowPads([10, 10, 3], 2, [3, 3], [2, 2], 'same');
    expect(uneven.pads).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect(uneven.symmetric).toBe(false);
    expect(uneven.fPad).toBe('(0, 1, 0, 1)');
    // size 9: total (5-1)*2+3-9 = 2 → (1, 1).
    const even = torch.windowPads([9, 9, 3], 2, [3, 3], [2, 2], 'same');
    expect(even.symmetric).toBe(true);
    expect(even.any).toBe(true);
    expect(even.padding).toBe('1');
    // H 9 → (1, 1), W 10 → (0, 1): F.pad takes the last axis first: (left, right, top, bottom).
    expect(torch.windowPads([9, 10, 3], 2, [3, 3], [2, 2], 'same').fPad).toBe('(0, 1, 1, 1)');
    // 1-D: (steps, C).
    expect(torch.windowPads([10, 4], 1, [3], [2], 'same').fPad).toBe('(0, 1)');
    const valid = torch.windowPads([10, 10, 3], 2, [3, 3], [2, 2], 'valid');
    expect(valid.any).toBe(false);
    expect(valid.symmetric).toBe(true);
  });
});

describe('activationStep', () => {
  it('runs softmax over the channels where the value holds them', () => {
    expect(torch.activationStep('softmax', true)!.fn!('v', ['v'])).toBe('torch.softmax(v, dim=1)');
    expect(torch.activationStep('softmax', false)!.seq).toEqual(['nn.Softmax(dim=-1)']);
    expect(torch.activationStep('elu', false)!.functional).toBe(true);
    expect(torch.activationStep('linear', false)).toBeNull();
    expect(() => torch.activationStep('swish', false)).toThrow(/unknown activation "swish"/);
  });
});

/** A helper class a kind asks for: doubles its input. */
const TWICE: torch.Helper = {
  name: 'Twice',
  write: (w) => {
    w.block('class Twice(nn.Module):', () => {
      w.line('"""Doubles its input."""');
      w.blank();
      w.block('def forward(self, x):', () => w.line('return 2 * x'));
    });
  },
};

/** Dense hooks using every field: a `call`, a helper module, `expr` copies after `axes`. */
const EXOTIC: torch.Hooks = {
  plan: (ctx) => ({
    steps: [
      {
        module: `nn.Linear(${ctx.inputs[0]!.shape.at(-1)}, ${ctx.op.params.units})`,
        weights: true,
        call: (m, v) => `-${m}(${v})`,
      },
      { module: 'Twice()', helper: TWICE },
    ],
    notes: ['exotic dense'],
  }),
  weights: () => ({
    note: 'Exotic: the output units in reverse order.',
    arrays: {
      kernel: [{ attr: 'weight', axes: [1, 0], expr: (a) => `np.flip(${a}, 0)` }],
      bias: [{ attr: 'bias', expr: (a) => `np.flip(${a}, 0)` }],
    },
  }),
};

function source() {
  const project = emptyProject('Exotic');
  project.graph = graphOf(
    [
      ['in', 'Input', { shape: [4] }],
      ['d', 'Dense', { units: 3 }],
    ],
    ['in->d'],
  );
  const lowered = lowerGraph(project.graph);
  if (!lowered.ok) throw new Error('must lower');
  return { ir: lowered.ir, name: project.name, training: project.training };
}

/** A context for calling `EXOTIC.plan` directly (only `inputs` and `op.params` are read). */
function contextFor(src: ReturnType<typeof source>): torch.PlanContext {
  const op = src.ir.ops[1]!;
  return {
    op,
    inputs: [{ shape: op.inputShapes[0]!, spatialRank: 0 }],
    output: { shape: op.outputShape, spatialRank: 0 },
    activation: () => ({ steps: [] }),
  };
}

describe('the driver reads every hook field', () => {
  const original = DenseLayer.torch;
  afterEach(() => {
    DenseLayer.torch = original;
  });

  it('writes helpers once, calls, several modules and expression copies', () => {
    DenseLayer.torch = EXOTIC;
    const src = source();
    const name = src.ir.ops[1]!.name;
    const code = generatePytorch(src, { includeTraining: false }).code;
    // Long calls are wrapped one argument a line: join them back for the checks.
    const flat = code
      .replace(/\(\n\s+/g, '(')
      .replace(/,\n\s+\)/g, ')')
      .replace(/,\n\s+/g, ', ');
    expect(code.match(/^class Twice\(nn\.Module\):$/gm)).toHaveLength(1);
    expect(code.indexOf('class Twice')).toBeLessThan(code.indexOf('class Exotic'));
    expect(code).toContain(`self.${name} = nn.Sequential(nn.Linear(4, 3), Twice())`);
    expect(code).toContain(`# exotic dense`);
    expect(code).toContain(`x = -self.${name}(x)`);
    expect(code).toContain('def copy_array(tensor, array, key):');
    expect(flat).toContain(
      `copy_array(model.${name}[0].weight, np.flip(arrays["${name}/kernel"].transpose((1, 0)), 0), "${name}/kernel")`,
    );
    expect(code).toContain('# Exotic: the output units in reverse order.');
    // A step with its own call does not fit nn.Sequential: module style instead.
    const asked = generatePytorch(src, { includeTraining: false, style: 'sequential' }).code;
    expect(asked).toContain('class Exotic(nn.Module):');
    expect(asked).toContain(`x = -self.${name}(x)`);
    const { call: _call, ...linear } = EXOTIC.plan(contextFor(src)).steps[0]!;
    DenseLayer.torch = {
      ...EXOTIC,
      plan: (ctx) => ({ steps: [linear, ...EXOTIC.plan(ctx).steps.slice(1)] }),
    };
    const seq = generatePytorch(src, { includeTraining: false, style: 'sequential' }).code;
    expect(seq).toContain('return nn.Sequential(');
    expect(seq).toContain(
      `copy_array(model[0].bias, np.flip(arrays["${name}/bias"], 0), "${name}/bias")`,
    );
  });

  it('a kind that places no Keras array says which', () => {
    DenseLayer.torch = { ...original, weights: () => ({ note: 'x', arrays: {} }) };
    expect(() => generatePytorch(source())).toThrow(
      /Dense does not say where Keras array "kernel" goes/,
    );
    DenseLayer.torch = { plan: original.plan };
    expect(() => generatePytorch(source())).toThrow(/Dense has weights but no torch weight layout/);
  });

  it('files without expression copies define no copy_array', () => {
    expect(generatePytorch(source()).code).not.toContain('copy_array');
  });
});

describe('PyTorch parameter counts that differ from Keras', () => {
  const original = DenseLayer.torch;
  afterEach(() => {
    DenseLayer.torch = original;
  });

  it('are said by the module and added up', () => {
    const src = source();
    const name = src.ir.ops[1]!.name;
    // Keras: 4 · 3 + 3 = 15 trainable.
    expect(src.ir.totals.trainable).toBe(15);
    expect(torchTrainableCount(src.ir)).toBe(15);
    DenseLayer.torch = { ...original, paramCount: () => ({ trainable: 18, why: 'two biases' }) };
    expect(torchTrainableCount(src.ir)).toBe(18);
    const code = generatePytorch(src).code;
    expect(code).toContain(
      `        # PyTorch counts 18 trainable parameters here, Keras 15: two biases.\n        self.${name} = nn.Linear(4, 3)`,
    );
    expect(generatePytorch(src, { style: 'sequential' }).code).toContain(
      `# ${name}: PyTorch counts 18 trainable parameters here, Keras 15: two biases.`,
    );
    // Equal counts say nothing.
    DenseLayer.torch = { ...original, paramCount: () => ({ trainable: 15, why: 'same' }) };
    expect(generatePytorch(src).code).not.toContain('PyTorch counts');
  });
});
