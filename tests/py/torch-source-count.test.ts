/**
 * The PyTorch source corpus (tests/shared/torch-source-corpus.ts) run by torch itself: each
 * snippet is executed by /usr/bin/python3, and torch's own trainable parameter count
 * (`sum(p.numel() for p in model.parameters() if p.requires_grad)`) and output shape on a random
 * batch must equal what the import says: `torchTrainableCount` of the imported model (PyTorch
 * counts LSTM biases twice, Keras once) and the output shape as PyTorch holds it.
 */
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import { torchShape, torchTrainableCount } from '../../shared/codegen/pytorch.ts';
import { importPythonSource } from '../../shared/import/python/index.ts';
import { CORPUS } from '../shared/torch-source-corpus.ts';
import { needs, PYTHON, PYTHON_MISSING } from './python.ts';

const SCRIPT = String.raw`
import json, sys, torch
cases = json.load(sys.stdin)
out = {}
for case in cases:
    scope = {}
    exec(compile(case["source"], case["name"], "exec"), scope)
    model = scope["model"]
    model.eval()
    count = sum(p.numel() for p in model.parameters() if p.requires_grad)
    shape = [2] + case["torchInput"]
    if case["ids"]:
        x = torch.randint(0, case["ids"], shape)
    else:
        x = torch.randn(shape)
    with torch.no_grad():
        y = model(x)
    out[case["name"]] = {"count": count, "output": list(y.shape[1:])}
print(json.dumps(out))
`;

needs(PYTHON_MISSING).describe('the PyTorch source corpus, run by torch', () => {
  needs(PYTHON_MISSING).it(
    'torch counts the parameters and shapes the output as the import says',
    () => {
      const expected = CORPUS.map((c) => {
        const r = importPythonSource(c.source, c.inputShape ? { inputShape: c.inputShape } : {});
        if (!r.ok) throw new Error(`${c.name}: ${JSON.stringify(r.diagnostics)}`);
        const input = r.ir.ops[0]!;
        const embedding = r.ir.ops.find((o) => o.type === 'Embedding');
        return {
          name: c.name,
          source: c.source,
          torchInput: torchShape(input.outputShape),
          ids: input.params.dtype === 'int32' ? (embedding?.params.input_dim as number) : 0,
          count: torchTrainableCount(r.ir),
          output: torchShape(r.ir.ops.at(-1)!.outputShape),
        };
      });
      const stdout = execFileSync(PYTHON, ['-c', SCRIPT], {
        input: JSON.stringify(expected),
        encoding: 'utf8',
        timeout: 120_000,
      });
      const ran = JSON.parse(stdout) as Record<string, { count: number; output: number[] }>;
      for (const e of expected) {
        expect(ran[e.name], e.name).toEqual({ count: e.count, output: e.output });
      }
      // Checked by hand: the LSTM classifier's torch count has the second LSTM bias,
      // 320,000 + (4·128·(64 + 128) + 8·128 = 99,328) + 516.
      expect(ran['lstm-text']!.count).toBe(320_000 + 99_328 + 516);
      expect(ran['mlp-module']!.count).toBe(109_386);
    },
    120_000,
  );
});
