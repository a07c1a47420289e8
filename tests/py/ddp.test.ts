/**
 * The distributed PyTorch script runs under torchrun with 2 processes (gloo on CPU) for one short
 * epoch on a tiny synthetic data set, and both processes end with identical weights.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { lossPlan } from '../../shared/codegen/loss.ts';
import { generatePytorch } from '../../shared/codegen/pytorch.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { CATALOGUE_PROJECTS } from './graphs.ts';
import { python, withPython } from './python.ts';

const RUNNER = new URL('./ddp_run.py', import.meta.url).pathname;

withPython.describe('distributed PyTorch (torchrun, gloo)', () => {
  // One case: each torchrun start costs seconds. The CNN has BatchNorm, Dropout and padding.
  it.each([['a CNN with BatchNormalization', CATALOGUE_PROJECTS[1]!]] as const)(
    '%s: both ranks end with identical weights',
    async (_name, project) => {
      const lowered = lowerGraph(project.graph);
      if (!lowered.ok) throw new Error('invalid graph');
      const ir = lowered.ir;
      const dir = mkdtempSync(join(tmpdir(), 'netwright-ddp-'));
      const file = join(dir, 'torch_model.py');
      const code = generatePytorch(
        { name: project.name, ir, training: project.training },
        { distributed: true },
      ).code;
      writeFileSync(file, code);
      const plan = lossPlan(ir, project.training.loss);
      const { stdout } = await python(
        [
          '-m',
          'torch.distributed.run',
          '--standalone',
          '--nproc_per_node=2',
          // torch 1.13 on Python 3.11 cannot parse the default --redirects 0 (Std.NONE is not
          // iterable there): send the workers' stderr to log files (and copy it here) instead.
          '--redirects=2',
          '--tee=2',
          `--log_dir=${join(dir, 'logs')}`,
          RUNNER,
          file,
          dir,
          JSON.stringify(ir.ops[0]!.outputShape),
          plan.targets,
          String(plan.units),
        ],
        { env: { CUDA_VISIBLE_DEVICES: '' } },
      );
      expect(stdout).toMatch(/epoch 1\/1 {2}loss /);
      const rank0 = readFileSync(join(dir, 'rank0.txt'), 'utf8');
      const rank1 = readFileSync(join(dir, 'rank1.txt'), 'utf8');
      expect(rank0).toMatch(/^[0-9a-f]{64}$/);
      expect(rank1).toBe(rank0);
    },
    420_000, // two torchrun ranks on 2 cores shared with the other unit-test workers
  );
});
