/**
 * The hook fields that no kind of today's catalogue uses yet (`call`, a `helper` class, two
 * modules in one op, `expr` weight copies after `axes`) give a PyTorch file that runs and loads
 * weights.npz as the hooks say: Dense's hooks are replaced by ones that negate the Linear
 * (`call`), double the result (a `Twice` helper module) and load the kernel and bias with the
 * output units reversed; the expected output is computed here with numpy from the Keras arrays:
 * `-2 · (x @ kernel + bias)[:, ::-1]` (module style); nn.Sequential style, which calls modules as
 * they are, is checked with the same hooks less the call (no minus).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { generatePytorch } from '../../shared/codegen/pytorch.ts';
import { emptyProject } from '../../shared/graph/project.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import type * as torch from '../../shared/layers/backends/torch.ts';
import { DenseLayer } from '../../shared/layers/kinds/dense.ts';
import { graphOf } from '../shared/graph-builder.ts';
import { python, withPython } from './python.ts';

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
  }),
  weights: () => ({
    note: 'Exotic: the output units in reverse order.',
    arrays: {
      kernel: [{ attr: 'weight', axes: [1, 0], expr: (a) => `np.flip(${a}, 0)` }],
      bias: [{ attr: 'bias', expr: (a) => `np.flip(${a}, 0)` }],
    },
  }),
};

const SCRIPT = `
import importlib.util, sys
import numpy as np, torch
path, sign, name = sys.argv[1], float(sys.argv[2]), sys.argv[3]
spec = importlib.util.spec_from_file_location("m", path)
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
rng = np.random.default_rng(0)
kernel = rng.normal(size=(4, 3)).astype(np.float32)
bias = rng.normal(size=(3,)).astype(np.float32)
x = rng.normal(size=(5, 4)).astype(np.float32)
npz = path + ".npz"
np.savez(npz, **{name + "/kernel": kernel, name + "/bias": bias})
model = m.load_weights(m.build_model(), npz).eval()
with torch.no_grad():
    got = model(torch.from_numpy(x)).numpy()
want = sign * 2.0 * (x @ kernel + bias)[:, ::-1]
print(float(np.abs(got - want).max()))
`;

withPython.describe('hook fields in a running PyTorch file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netwright-torch-hooks-'));
  const original = DenseLayer.torch;
  afterAll(() => {
    DenseLayer.torch = original;
  });
  const { call: _call, ...linear } = EXOTIC.plan({
    inputs: [{ shape: [4], spatialRank: 0 }],
    op: { params: { units: 3 } },
  } as unknown as torch.PlanContext).steps[0]!;
  /** EXOTIC without the negating call: fits nn.Sequential. */
  const plain: torch.Hooks = {
    ...EXOTIC,
    plan: (ctx) => ({ steps: [linear, ...EXOTIC.plan(ctx).steps.slice(1)] }),
  };
  const cases = [
    { title: 'module style', style: 'module', hooks: EXOTIC, sign: -1 },
    { title: 'sequential style', style: 'sequential', hooks: plain, sign: 1 },
    // A call does not fit nn.Sequential: the file is in module style, the minus stays.
    { title: 'sequential asked, a step with a call', style: 'sequential', hooks: EXOTIC, sign: -1 },
  ] as const;
  for (const { title, style, hooks, sign } of cases) {
    withPython.it(
      `${title}: loads and runs as the hooks say`,
      async () => {
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
        DenseLayer.torch = hooks;
        const code = generatePytorch(
          { ir: lowered.ir, name: project.name, training: project.training },
          { includeTraining: false, style },
        ).code;
        DenseLayer.torch = original;
        const file = join(dir, `exotic_${title.replace(/\W+/g, '_')}.py`);
        const runner = join(dir, 'run.py');
        writeFileSync(file, code);
        writeFileSync(runner, SCRIPT);
        const { stdout } = await python([runner, file, String(sign), lowered.ir.ops[1]!.name]);
        expect(Number(stdout.trim())).toBeLessThan(1e-5);
      },
      120_000,
    );
  }
});
