/**
 * PyTorch source import of hand-written attention, dot products and bidirectional RNNs (issue 15):
 * nn.MultiheadAttention → MultiHeadAttention, torch.einsum / torch.bmm / torch.matmul / `@` →
 * Dot, nn.LSTM/GRU/RNN(bidirectional=True) → Bidirectional. Expected graphs and counts are
 * written out by hand from the PyTorch docs (pytorch.org/docs/stable/generated/…) and the layers'
 * formulas: MultiheadAttention in_proj 3E×E + 3E, out_proj E×E + E; Keras LSTM 4·u·(in + u + 1),
 * GRU (reset_after) 3·u·(in + u + 2); Dense in·out + out.
 */
import { describe, expect, it } from 'vitest';
import { importPythonSource, type SourceImportResult } from '../../shared/import/python/index.ts';
import {
  ATTENTION_BLOCK,
  BIGRU_TAGGER,
  BILSTM,
  CROSS_ATTENTION,
  SCORES,
} from './torch-source-corpus.ts';

type Ok = Extract<SourceImportResult, { ok: true }>;

function imported(source: string, inputShape: number[]): Ok {
  const r = importPythonSource(source, { inputShape });
  if (!r.ok) throw new Error(`import failed: ${JSON.stringify(r.diagnostics)}`);
  return r;
}

/** The diagnostics of a refused import as `line: message`. */
function refused(source: string, inputShape: number[]): { line: number; message: string }[] {
  const r = importPythonSource(source, { inputShape });
  if (r.ok) throw new Error('import should have failed');
  return r.diagnostics.map((d) => ({ line: d.line, message: d.message }));
}

const lineOf = (source: string, text: string) =>
  source.slice(0, source.indexOf(text)).split('\n').length;

/** [id, type, input ids, output shape] per op. */
const graph = (r: Ok) => r.ir.ops.map((o) => [o.id, o.type, o.inputs, o.outputShape]);

/** A module `Net` with `init` lines in __init__ and `body` lines in forward (8-space indent). */
const net = (init: string[], body: string[]) => `import torch
from torch import nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
${init.map((l) => `        ${l}`).join('\n')}

    def forward(self, x):
${body.map((l) => `        ${l}`).join('\n')}


model = Net()
`;

describe('nn.MultiheadAttention → MultiHeadAttention', () => {
  it('self-attention out, _ = attn(x, x, x) is one wire; key_dim = embed_dim / num_heads', () => {
    const r = imported(ATTENTION_BLOCK, [12, 32]);
    expect(graph(r)).toEqual([
      ['input', 'Input', [], [12, 32]],
      ['attn', 'MultiHeadAttention', ['input'], [12, 32]],
      ['add', 'Add', ['input', 'attn'], [12, 32]],
      ['norm', 'LayerNormalization', ['add'], [12, 32]],
      ['ff', 'Dense', ['norm'], [12, 32]],
    ]);
    expect(r.ir.ops[1]!.params).toEqual({
      num_heads: 4,
      key_dim: 8,
      value_dim: null,
      dropout: 0.1,
      use_bias: true,
      output_shape: null,
    });
    // attention 4·32² + 4·32 = 4,224; LayerNorm 2·32 = 64; Dense 32·32 + 32 = 1,056.
    expect(r.ir.totals.trainable).toBe(4_224 + 64 + 1_056);
  });

  it('cross-attention attn(q, x, x)[0] with kdim/vdim: query then value wired (key = value)', () => {
    const r = imported(CROSS_ATTENTION, [7, 16]);
    expect(graph(r)).toEqual([
      ['input', 'Input', [], [7, 16]],
      ['query', 'Dense', ['input'], [7, 24]],
      ['attn', 'MultiHeadAttention', ['query', 'input'], [7, 24]],
    ]);
    expect(r.ir.ops[2]!.params).toMatchObject({ num_heads: 3, key_dim: 8 });
    // Dense 16·24 + 24 = 408; q 24·24 + 24, k and v 16·24 + 24 each, out 24·24 + 24 = 2,016.
    expect(r.ir.totals.trainable).toBe(408 + 2_016);
  });

  it('attn(q, k, v) with three different tensors wires query, value, key (Keras order)', () => {
    const src = net(
      [
        'self.a = nn.Linear(8, 8)',
        'self.b = nn.Linear(8, 8)',
        'self.attn = nn.MultiheadAttention(8, 2, bias=False, batch_first=True)',
      ],
      ['k = self.a(x)', 'v = self.b(x)', 'out, _ = self.attn(x, k, v)', 'return out'],
    );
    const r = imported(src, [5, 8]);
    // Blocks are named after the attributes: v = self.b(x), k = self.a(x).
    expect(r.ir.ops.at(-1)!.inputs).toEqual(['input', 'b', 'a']);
    expect(r.ir.ops.at(-1)!.params).toMatchObject({ use_bias: false, num_heads: 2, key_dim: 4 });
    // No bias: 4·8² = 256; two Dense 8·8 + 8 = 72 each.
    expect(r.ir.totals.trainable).toBe(256 + 144);
  });

  it.each([
    [
      'batch_first missing',
      ['self.attn = nn.MultiheadAttention(8, 2)'],
      ['out, _ = self.attn(x, x, x)', 'return out'],
      'self.attn = ',
      /batch_first=True/,
    ],
    [
      'add_bias_kv',
      ['self.attn = nn.MultiheadAttention(8, 2, add_bias_kv=True, batch_first=True)'],
      ['out, _ = self.attn(x, x, x)', 'return out'],
      'self.attn = ',
      /add_bias_kv=true has no Keras equivalent/,
    ],
    [
      'a mask',
      ['self.attn = nn.MultiheadAttention(8, 2, batch_first=True)'],
      ['out, _ = self.attn(x, x, x, attn_mask=self.mask)', 'return out'],
      'out, _ =',
      /attn_mask is read only as None/,
    ],
    [
      'the attention weights used',
      ['self.attn = nn.MultiheadAttention(8, 2, batch_first=True)'],
      ['out, w = self.attn(x, x, x)', 'return w'],
      'return w',
      /attention weights of nn.MultiheadAttention are not read/,
    ],
    [
      'the pair itself returned',
      ['self.attn = nn.MultiheadAttention(8, 2, batch_first=True)'],
      ['y = self.attn(x, x, x)', 'return y + x'],
      'return y',
      /\(output, attention weights\) pair/,
    ],
    [
      'a key with other features than embed_dim',
      ['self.k = nn.Linear(8, 6)', 'self.attn = nn.MultiheadAttention(8, 2, batch_first=True)'],
      ['k = self.k(x)', 'out, _ = self.attn(x, k, k)', 'return out'],
      'self.attn = ',
      /the key has 6 features but the module takes 8/,
    ],
  ] as const)('refuses %s at its line', (_, init, body, at, message) => {
    const src = net([...init], [...body]);
    const [d] = refused(src, [5, 8]);
    expect(d!.message).toMatch(message);
    expect(d!.line).toBe(lineOf(src, at));
  });
});

describe('torch.einsum / torch.bmm / torch.matmul / @ → Dot', () => {
  it('attention scores by hand: bmm(q, k.transpose(1, 2)), einsum and @', () => {
    const r = imported(SCORES, [6, 8]);
    expect(graph(r)).toEqual([
      ['input', 'Input', [], [6, 8]],
      ['q', 'Dense', ['input'], [6, 8]],
      ['k', 'Dense', ['input'], [6, 8]],
      // (N, 6, 8)·(N, 8, 6): q's features with k's features (k transposed): Keras axes (2, 2).
      ['scores', 'Dot', ['q', 'k'], [6, 6]],
      // 'bij,bjd->bid': scores' axis 2 with x's axis 1: a batched matrix product.
      ['mixed', 'Dot', ['scores', 'input'], [6, 8]],
      ['dot', 'Dot', ['mixed', 'k'], [6, 6]],
    ]);
    // The IR holds positive axes (issue 11.1): -1 of (N, 6, 8) is axis 2.
    expect(r.ir.ops.map((o) => o.params.axes).slice(3)).toEqual([
      [2, 2],
      [2, 1],
      [2, 2],
    ]);
    expect(r.ir.totals.trainable).toBe(2 * (8 * 8 + 8));
  });

  it('torch.matmul(a, b) of (N, a, k)·(N, k, b) is Dot(axes=(2, 1))', () => {
    const src = net(
      ['self.p = nn.Linear(4, 6)'],
      ['p = self.p(x)', 'return torch.matmul(p.transpose(1, 2), x)'],
    );
    // p: (N, 5, 6) → transposed (N, 6, 5); x (N, 5, 4): sums the 5 steps → (N, 6, 4).
    const r = imported(src, [5, 4]);
    expect(r.ir.ops.at(-1)).toMatchObject({
      type: 'Dot',
      inputs: ['p', 'input'],
      params: { axes: [1, 1], normalize: false },
      outputShape: [6, 4],
    });
  });

  it('a cosine similarity of two vectors: F.normalize both, einsum, .unsqueeze(1)', () => {
    const src = net(
      ['self.a = nn.Linear(8, 4)', 'self.b = nn.Linear(8, 4)'],
      [
        'a = self.a(x)',
        'b = self.b(x)',
        "return torch.einsum('nk,nk->n', F.normalize(a, dim=1), F.normalize(b, dim=-1)).unsqueeze(1)",
      ],
    );
    const r = imported(src, [8]);
    expect(r.ir.ops.at(-1)).toMatchObject({
      type: 'Dot',
      inputs: ['a', 'b'],
      params: { axes: [1, 1], normalize: true }, // -1 of (N, 8), positive in the IR
      outputShape: [1],
    });
  });

  it.each([
    [
      'an output in another order',
      ["return torch.einsum('bik,bjk->bji', self.q(x), x)"],
      "Keras's Dot gives the first operand's other axes then the second's, 'bij'",
    ],
    [
      'two summed axes',
      ["return torch.einsum('bik,bik->b', self.q(x), x)"],
      'exactly one axis besides the batch',
    ],
    [
      'a sum over one operand only',
      ["return torch.einsum('bik,bjk->bi', self.q(x), x)"],
      "the first operand's other axes then the second's",
    ],
    ['ellipsis', ["return torch.einsum('...k,...k->...', self.q(x), x)"], "no '...'"],
    [
      'a dot of two vectors without .unsqueeze(1)',
      ["return torch.einsum('nk,nk->n', self.q(x)[:, 0], x[:, 0])"],
      'is not read',
    ],
    ['matmul of two vectors', ['return torch.matmul(self.v(x), self.w(x))'], 'two sequences'],
  ] as const)('refuses %s at its line', (_, body, message) => {
    const src = net(
      ['self.q = nn.Linear(8, 8)', 'self.v = nn.Linear(8, 3)', 'self.w = nn.Linear(8, 3)'],
      [...body],
    );
    const shape = body[0]!.includes('matmul') ? [8] : [5, 8];
    const [d] = refused(src, shape);
    expect(d!.message).toContain(message);
    expect(d!.line).toBe(lineOf(src, body[0]!));
  });

  it('an einsum of two vectors without .unsqueeze(1) says to add it', () => {
    const src = net(
      ['self.a = nn.Linear(8, 4)', 'self.b = nn.Linear(8, 4)'],
      ["return torch.einsum('nk,nk->n', self.a(x), self.b(x))"],
    );
    const [d] = refused(src, [8]);
    expect(d!.message).toContain("Keras's Dot gives (N, 1): add .unsqueeze(1)");
    expect(d!.line).toBe(lineOf(src, 'return torch.einsum'));
  });
});

describe('nn.LSTM/GRU/RNN(bidirectional=True) → Bidirectional (merge_mode concat)', () => {
  it('torch.cat((h[-2], h[-1]), dim=1) of the final states is return_sequences false', () => {
    const r = imported(BILSTM, [15]);
    expect(graph(r)).toEqual([
      ['input', 'Input', [], [15]],
      ['embedding', 'Embedding', ['input'], [15, 32]],
      ['lstm', 'Bidirectional', ['embedding'], [48]],
      ['fc', 'Dense', ['lstm'], [3]],
    ]);
    expect(r.ir.ops[2]!.params).toEqual({
      layer: 'LSTM',
      units: 24,
      return_sequences: false,
      merge_mode: 'concat',
    });
    // 1000·32 = 32,000; 2·4·24·(32 + 24 + 1) = 10,944; 48·3 + 3 = 147.
    expect(r.ir.totals.trainable).toBe(32_000 + 10_944 + 147);
  });

  it('out, _ = self.gru(x) used whole is return_sequences true', () => {
    const r = imported(BIGRU_TAGGER, [9, 10]);
    expect(graph(r)).toEqual([
      ['input', 'Input', [], [9, 10]],
      ['gru', 'Bidirectional', ['input'], [9, 32]],
      ['out', 'Dense', ['gru'], [9, 5]],
    ]);
    expect(r.ir.ops[1]!.params).toMatchObject({ layer: 'GRU', return_sequences: true });
    // 2·3·16·(10 + 16 + 2) = 2,688; 32·5 + 5 = 165.
    expect(r.ir.totals.trainable).toBe(2_688 + 165);
  });

  it('torch.cat([h[0], h[1]], 1) of nn.RNN, and self.rnn(x)[0] for the sequences', () => {
    const last = net(
      ['self.rnn = nn.RNN(4, 6, batch_first=True, bidirectional=True)'],
      ['_, h = self.rnn(x)', 'return torch.cat([h[0], h[1]], 1)'],
    );
    expect(imported(last, [7, 4]).ir.ops[1]).toMatchObject({
      type: 'Bidirectional',
      params: { layer: 'SimpleRNN', units: 6, return_sequences: false },
      outputShape: [12],
    });
    const seq = net(
      ['self.rnn = nn.RNN(4, 6, batch_first=True, bidirectional=True)'],
      ['return self.rnn(x)[0]'],
    );
    expect(imported(seq, [7, 4]).ir.ops[1]).toMatchObject({
      type: 'Bidirectional',
      params: { return_sequences: true },
      outputShape: [7, 12],
    });
  });

  it.each([
    [
      'out[:, -1, :] (the backward direction after one step)',
      ['self.lstm = nn.LSTM(4, 6, batch_first=True, bidirectional=True)'],
      ['out, _ = self.lstm(x)', 'return out[:, -1, :]'],
      'return out',
      'holds the backward direction after one step only',
    ],
    [
      'h[-1] alone (the backward direction only)',
      ['self.lstm = nn.LSTM(4, 6, batch_first=True, bidirectional=True)'],
      ['_, (h, c) = self.lstm(x)', 'return h[-1]'],
      'return h',
      "one direction's final state",
    ],
    [
      'the directions in the other order',
      ['self.gru = nn.GRU(4, 6, batch_first=True, bidirectional=True)'],
      ['_, h = self.gru(x)', 'return torch.cat((h[-1], h[-2]), dim=1)'],
      'return torch',
      'forward then backward',
    ],
    [
      'two layers',
      ['self.lstm = nn.LSTM(4, 6, num_layers=2, batch_first=True, bidirectional=True)'],
      ['out, _ = self.lstm(x)', 'return out'],
      'self.lstm = ',
      'num_layers=2 has no Keras equivalent',
    ],
    [
      'no batch_first',
      ['self.lstm = nn.LSTM(4, 6, bidirectional=True)'],
      ['out, _ = self.lstm(x)', 'return out'],
      'self.lstm = ',
      'batch_first=True',
    ],
  ] as const)('refuses %s at its line', (_, init, body, at, message) => {
    const src = net([...init], [...body]);
    const [d] = refused(src, [7, 4]);
    expect(d!.message).toContain(message);
    expect(d!.line).toBe(lineOf(src, at));
  });
});

describe('activation modules: a block of their kind on their own line, folded on a layer call', () => {
  const src = (init: string[], body: string[]) =>
    `${net(['self.fc = nn.Linear(6, 4)', ...init], body)}criterion = nn.CrossEntropyLoss()\n`;

  it.each([
    [
      'x = self.act(x) after the layer: a ReLU block',
      'nn.ReLU()',
      ['x = self.fc(x)', 'x = self.act(x)', 'return x'],
      ['Input:', 'Dense:linear', 'ReLU:'],
    ],
    [
      'self.act(self.fc(x)): the layer activation',
      'nn.ReLU()',
      ['return self.act(self.fc(x))'],
      ['Input:', 'Dense:relu'],
    ],
    [
      'nn.ELU(alpha=0.5) nested: an ELU block (no such activation)',
      'nn.ELU(alpha=0.5)',
      ['return self.act(self.fc(x))'],
      ['Input:', 'Dense:linear', 'ELU:'],
    ],
    [
      'nn.Tanh() on its own line: no Tanh kind, the activation',
      'nn.Tanh()',
      ['x = self.fc(x)', 'return self.act(x)'],
      ['Input:', 'Dense:tanh'],
    ],
    [
      'F.relu(x) on its own line: the activation, folded',
      null,
      ['x = self.fc(x)', 'return F.relu(x)'],
      ['Input:', 'Dense:relu'],
    ],
  ] as const)('%s', (_, module, body, expected) => {
    const r = imported(src(module ? [`self.act = ${module}`] : [], [...body]), [6]);
    expect(
      r.ir.ops.map((o) => `${o.type}:${(o.params.activation as string | undefined) ?? ''}`),
    ).toEqual(expected);
  });

  it('nn.Softmax(dim=1) on its own line before CrossEntropyLoss: a Softmax block, the double-softmax warning and its fix', () => {
    const s = src(
      ['self.softmax = nn.Softmax(dim=1)'],
      ['x = self.fc(x)', 'x = self.softmax(x)', 'return x'],
    );
    const r = imported(s, [6]);
    expect(r.ir.ops.map((o) => o.type)).toEqual(['Input', 'Dense', 'Softmax']);
    expect(r.ir.ops[2]!.params.axis).toBe(-1);
    const warning = r.diagnostics.find((d) => d.fix);
    expect(warning?.message).toContain('applies softmax twice');
    expect(warning?.line).toBe(lineOf(s, 'x = self.softmax(x)'));
    // The fix removes the whole line.
    const edit = warning!.fix!.edits[0]!;
    const fixed = s.slice(0, edit.from) + edit.insert + s.slice(edit.to);
    expect(fixed).not.toContain('x = self.softmax(x)');
    expect(imported(fixed, [6]).ir.ops.map((o) => o.type)).toEqual(['Input', 'Dense']);
  });
});
