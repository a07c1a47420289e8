/**
 * Why the PyTorch source import maps hand-written modules as it does (issue 15), checked by
 * torch itself (/usr/bin/python3):
 * - nn.MultiheadAttention(E, H, batch_first=True) computes what the generator's
 *   KerasMultiHeadAttention (Keras's MultiHeadAttention written out) computes with num_heads H,
 *   key_dim = value_dim = E / H and output E, given the same arrays: so it is imported as that
 *   block, exactly.
 * - For nn.LSTM(…, bidirectional=True), `torch.cat((h[-2], h[-1]), dim=1)` equals the
 *   generator's BidirectionalRNN (Keras's Bidirectional, concat) without return_sequences, and
 *   the output `out` equals it with return_sequences; `out[:, -1, :]` does not (the backward
 *   direction has seen one step there), which is why the import refuses it.
 */
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import { generateCode } from '../../shared/codegen/index.ts';
import { trainingSchema, type Project } from '../../shared/graph/project.ts';
import { needs, PYTHON, PYTHON_MISSING } from './python.ts';

const SCRIPT = String.raw`
import json, sys, torch
from torch import nn

src = json.load(sys.stdin)
torch.manual_seed(0)
out = {}

scope = {}
exec(compile(src["mha"], "mha.py", "exec"), scope)
K = scope["KerasMultiHeadAttention"]
E, H = 8, 2
t = nn.MultiheadAttention(E, H, batch_first=True).eval()
k = K(E, E, E, H, E // H, E // H, E).eval()
with torch.no_grad():
    w, b = t.in_proj_weight, t.in_proj_bias
    for i, lin in enumerate([k.query, k.key, k.value]):
        lin.weight.copy_(w[i * E : (i + 1) * E])
        lin.bias.copy_(b[i * E : (i + 1) * E])
    k.output.weight.copy_(t.out_proj.weight)
    k.output.bias.copy_(t.out_proj.bias)
    q, x = torch.randn(3, 5, E), torch.randn(3, 7, E)
    out["mha_cross"] = float((t(q, x, x)[0] - k(q, x)).abs().max())
    out["mha_self"] = float((t(q, q, q, need_weights=False)[0] - k(q, q)).abs().max())
    out["mha_scale"] = float(t(q, x, x)[0].abs().max())

scope = {}
exec(compile(src["bi"], "bi.py", "exec"), scope)
B = scope["BidirectionalRNN"]
rnn = nn.LSTM(4, 6, batch_first=True, bidirectional=True)
x = torch.randn(3, 9, 4)
with torch.no_grad():
    o, (h, c) = rnn(x)
    keras_last = B(rnn, "concat", return_sequences=False)(x)
    keras_seq = B(rnn, "concat", return_sequences=True)(x)
    out["bi_last"] = float((torch.cat((h[-2], h[-1]), dim=1) - keras_last).abs().max())
    out["bi_seq"] = float((o - keras_seq).abs().max())
    out["bi_out_last"] = float((o[:, -1, :] - keras_last).abs().max())
print(json.dumps(out))
`;

/** The generated PyTorch file of Input (10, 4) → one block of `type` with `params`. */
function code(type: string, params: Record<string, unknown>): string {
  const project: Project = {
    format: 'netwright.project',
    version: 1,
    name: type,
    graph: {
      nodes: [
        { id: 'input', type: 'Input', params: { shape: [10, 4] }, position: { x: 0, y: 0 } },
        { id: 'block', type, params, position: { x: 0, y: 140 } },
      ],
      edges: [{ id: 'e0', source: 'input', target: 'block' }],
    },
    training: trainingSchema.parse({ loss: 'mse' }),
  };
  const g = generateCode(project, 'pytorch');
  if (!g.ok) throw new Error(`no PyTorch code for ${type}`);
  return g.code.code;
}

needs(PYTHON_MISSING).describe('hand-written PyTorch modules the import maps, run by torch', () => {
  needs(PYTHON_MISSING).it(
    'nn.MultiheadAttention is Keras MultiHeadAttention; h_n of a bidirectional LSTM is Bidirectional',
    () => {
      const stdout = execFileSync(PYTHON, ['-c', SCRIPT], {
        input: JSON.stringify({
          mha: code('MultiHeadAttention', { num_heads: 2, key_dim: 4 }),
          bi: code('Bidirectional', { layer: 'LSTM', units: 6 }),
        }),
        encoding: 'utf8',
        timeout: 120_000,
      });
      const r = JSON.parse(stdout) as Record<string, number>;
      expect(r.mha_scale).toBeGreaterThan(0.01); // the outputs compared are not all zero
      expect(r.mha_cross).toBeLessThan(1e-5);
      expect(r.mha_self).toBeLessThan(1e-5);
      expect(r.bi_last).toBeLessThan(1e-6);
      expect(r.bi_seq).toBeLessThan(1e-6);
      expect(r.bi_out_last).toBeGreaterThan(1e-3);
    },
    120_000,
  );
});
