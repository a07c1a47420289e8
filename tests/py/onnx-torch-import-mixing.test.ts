// Issue 12: plain torch.onnx.export files (python3-torch 1.13, opset 13) of Permute, Dot and the
// element-wise merges import as those blocks (expected blocks written by hand from the PyTorch
// code) and the TF.js model built from the import gives PyTorch's outputs within 1e-4; what has
// no exact block is refused with a message naming the node and its operator.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { setModelWeights } from '../../shared/export/weights.ts';
import { importOnnx } from '../../shared/import/onnx.ts';
import type { ModelIR } from '../../shared/ir/lower.ts';
import { buildModel } from '../../shared/tfjs/build-model.ts';
import { python } from '../shared/onnx-helpers.ts';

/** name → [module body (layers in __init__, then forward), input shape (N first, PyTorch layout)]. */
const MODELS: Record<string, [string, string, number[]]> = {
  permute: [
    'self.a = nn.Linear(3, 4); self.b = nn.Linear(5, 2)',
    'return self.b(self.a(x).permute(0, 2, 1))',
    [2, 5, 3],
  ],
  add3: [
    'self.a = nn.Linear(3, 4); self.b = nn.Linear(3, 4); self.c = nn.Linear(3, 4)',
    'return self.a(x) + self.b(x) + self.c(x)',
    [2, 5, 3],
  ],
  average3: [
    'self.a = nn.Linear(3, 4); self.b = nn.Linear(3, 4); self.c = nn.Linear(3, 4)',
    'return (self.a(x) + self.b(x) + self.c(x)) / 3',
    [2, 5, 3],
  ],
  multiply3: [
    'self.a = nn.Linear(3, 4); self.b = nn.Linear(3, 4); self.c = nn.Linear(3, 4)',
    'return self.a(x) * self.b(x) * self.c(x)',
    [2, 5, 3],
  ],
  maximum3: [
    'self.a = nn.Linear(3, 4); self.b = nn.Linear(3, 4); self.c = nn.Linear(3, 4)',
    'return torch.max(torch.max(self.a(x), self.b(x)), self.c(x))',
    [2, 5, 3],
  ],
  minimumMinus: [
    'self.a = nn.Linear(3, 4); self.b = nn.Linear(3, 4); self.c = nn.Linear(3, 4)',
    'return torch.min(self.a(x), self.b(x)) - self.c(x)',
    [2, 5, 3],
  ],
  broadcast: [
    'self.a = nn.Linear(3, 4); self.b = nn.Linear(3, 1)',
    'return self.a(x) * self.b(x)',
    [2, 5, 3],
  ],
  dotTransposed: [
    'self.a = nn.Linear(3, 4); self.b = nn.Linear(3, 4)',
    'return torch.matmul(self.a(x), self.b(x).transpose(1, 2))',
    [2, 5, 3],
  ],
  bmm: [
    'self.a = nn.Linear(3, 3); self.b = nn.Linear(5, 6)',
    'return torch.bmm(self.a(x), self.b(x.transpose(1, 2)))',
    [2, 5, 3],
  ],
  residual: [
    'self.c = nn.Conv2d(2, 2, 3, padding=1); self.d = nn.Conv2d(2, 2, 1); self.l = nn.Linear(32, 3)',
    'y = self.c(x); return self.l(torch.flatten(y + self.d(y), 1))',
    [2, 2, 4, 4],
  ],
  sumOverTwo: [
    'self.a = nn.Linear(3, 4); self.b = nn.Linear(3, 4); self.c = nn.Linear(3, 4)',
    'return (self.a(x) + self.b(x) + self.c(x)) / 2',
    [2, 5, 3],
  ],
  attention: [
    'self.a = nn.Linear(3, 4); self.m = nn.MultiheadAttention(4, 2, batch_first=True)',
    'y = self.a(x); return self.m(y, y, y, need_weights=False)[0]',
    [2, 5, 3],
  ],
};

const SCRIPT = `
import sys, json, torch, torch.nn as nn
torch.manual_seed(0)
models = json.loads(sys.argv[2])
out = {}
for name, (init, forward, shape) in models.items():
    body = "class M(nn.Module):\\n    def __init__(self):\\n        super().__init__(); " + init + "\\n    def forward(self, x):\\n        " + forward + "\\n"
    scope = {"nn": nn, "torch": torch}
    exec(body, scope)
    m = scope["M"]().eval()
    x = torch.rand(*shape) * 2 - 1
    torch.onnx.export(m, x, sys.argv[1] + "/" + name + ".onnx", opset_version=13, input_names=["x"], output_names=["y"])
    with torch.no_grad(): y = m(x)
    # The imported model takes channels-last data: an image (N, C, H, W) is fed as (N, H, W, C).
    xl = x.permute(0, 2, 3, 1) if x.dim() == 4 else x
    out[name] = {"x": xl.reshape(-1).tolist(), "xshape": list(xl.shape), "y": y.reshape(-1).tolist(), "yshape": list(y.shape)}
print(json.dumps(out))
`;

let dir: string;
let runs: Record<string, { x: number[]; xshape: number[]; y: number[]; yshape: number[] }>;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'netwright-torch-mixing-'));
  runs = JSON.parse(python(SCRIPT, [dir, JSON.stringify(MODELS)])) as typeof runs;
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (name: string) => importOnnx(new Uint8Array(readFileSync(join(dir, `${name}.onnx`))));

/** Each block as `Type settings <- input block indices`, the settings a test can state by hand. */
function blocks(ir: ModelIR): string[] {
  const index = new Map(ir.ops.map((op, i) => [op.name, i]));
  return ir.ops.map((op) => {
    const p = op.params;
    const settings =
      op.type === 'Dense'
        ? ` ${String(p.units)}`
        : op.type === 'Permute'
          ? ` dims ${JSON.stringify(p.dims)}`
          : op.type === 'Dot'
            ? ` axes ${JSON.stringify(p.axes)}${p.normalize ? ' normalized' : ''}`
            : op.type === 'Conv2D'
              ? ` ${String(p.filters)} ${JSON.stringify(p.kernel_size)} ${String(p.padding)}`
              : '';
    const ins = op.inputs.map((i) => index.get(i)).join(',');
    return `${op.type}${settings}${ins ? ` <- ${ins}` : ''}`;
  });
}

/** The largest |TF.js − PyTorch| over the outputs of the imported model. */
async function worstError(
  name: string,
  ir: ModelIR,
  weights: Parameters<typeof setModelWeights>[3],
) {
  const run = runs[name]!;
  const model = buildModel(tf, ir);
  setModelWeights(tf, model, ir, weights);
  const y = tf.tidy(() => model.predict(tf.tensor(run.x, run.xshape)) as tf.Tensor);
  expect(y.shape).toEqual(run.yshape);
  const got = await y.data();
  y.dispose();
  model.dispose();
  let worst = 0;
  got.forEach((v: number, i: number) => (worst = Math.max(worst, Math.abs(v - run.y[i]!))));
  return worst;
}

describe('torch.onnx.export files: Permute, Dot and merges', () => {
  it.each([
    // x.permute(0, 2, 1) of (N, 5, 4): Transpose perm [0, 2, 1] → Permute dims (2, 1).
    ['permute', ['Input', 'Dense 4 <- 0', 'Permute dims [2,1] <- 1', 'Dense 2 <- 2']],
    // a + b + c: Add(Add(a, b), c) → one Add of three inputs.
    ['add3', ['Input', 'Dense 4 <- 0', 'Dense 4 <- 0', 'Dense 4 <- 0', 'Add <- 1,2,3']],
    // (a + b + c) / 3: Add, Add, Div by 3 → Keras Average (sum / count).
    ['average3', ['Input', 'Dense 4 <- 0', 'Dense 4 <- 0', 'Dense 4 <- 0', 'Average <- 1,2,3']],
    ['multiply3', ['Input', 'Dense 4 <- 0', 'Dense 4 <- 0', 'Dense 4 <- 0', 'Multiply <- 1,2,3']],
    ['maximum3', ['Input', 'Dense 4 <- 0', 'Dense 4 <- 0', 'Dense 4 <- 0', 'Maximum <- 1,2,3']],
    // min(a, b) - c: Sub is not chained into Minimum.
    [
      'minimumMinus',
      [
        'Input',
        'Dense 4 <- 0',
        'Dense 4 <- 0',
        'Dense 4 <- 0',
        'Minimum <- 1,2',
        'Subtract <- 4,3',
      ],
    ],
    // (N, 5, 4) * (N, 5, 1): same rank, size 1 broadcasts in ONNX and in Keras alike.
    ['broadcast', ['Input', 'Dense 4 <- 0', 'Dense 1 <- 0', 'Multiply <- 1,2']],
    // a @ bᵀ: the transpose is a Permute, then MatMul (N, 5, 4) × (N, 4, 5) = Dot axes (2, 1).
    [
      'dotTransposed',
      ['Input', 'Dense 4 <- 0', 'Dense 4 <- 0', 'Permute dims [2,1] <- 2', 'Dot axes [2,1] <- 1,3'],
    ],
    [
      'bmm',
      ['Input', 'Dense 3 <- 0', 'Permute dims [2,1] <- 0', 'Dense 6 <- 2', 'Dot axes [2,1] <- 1,3'],
    ],
    // A residual Add of two NCHW conv outputs: the Add runs on the channels-last maps.
    [
      'residual',
      [
        'Input',
        'Conv2D 2 [3,3] same <- 0',
        'Conv2D 2 [1,1] valid <- 1',
        'Add <- 1,2',
        'Flatten <- 3',
        'Dense 3 <- 4',
      ],
    ],
  ] as const)(
    '%s imports as the blocks PyTorch wrote and agrees within 1e-4',
    async (name, want) => {
      const result = load(name);
      if (!result.ok) throw new Error(result.error);
      expect(blocks(result.ir)).toEqual(want);
      expect(await worstError(name, result.ir, result.weights!)).toBeLessThan(1e-4);
    },
  );

  it('a sum divided by anything but its count is refused, naming the node and operator', () => {
    const result = load('sumOverTwo');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(
      /node "[^"]*Div[^"]*" \(Div\): an operator Netwright has no block for/,
    );
  });

  it('torch nn.MultiheadAttention is refused with a message that says it is attention', () => {
    const result = load('attention');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(
      /node "[^"]*Softmax[^"]*" \(Softmax\) and the nodes around it: attention/,
    );
    expect(result.error).toContain(
      'Netwright reads MultiHeadAttention only from its own ONNX files',
    );
  });
});
