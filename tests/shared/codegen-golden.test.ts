/**
 * Golden files for the MNIST MLP, compared exactly. After an intended change, regenerate with
 * `UPDATE_GOLDEN=1 npx vitest run --project unit tests/shared/codegen-golden.test.ts` and
 * read the diff: the files should read like code a good teacher would write.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCode } from '../../shared/codegen/index.ts';
import { loadTemplate } from '../../shared/templates/index.ts';

const GOLDEN = join(import.meta.dirname, '../golden');

describe.each([
  ['keras', 'mnist-mlp.keras.py'],
  ['pytorch', 'mnist-mlp.torch.py'],
] as const)('%s golden file', (framework, file) => {
  it(`equals tests/golden/${file}`, () => {
    const result = generateCode(loadTemplate('mnist-mlp'), framework);
    if (!result.ok) throw new Error('mnist-mlp must lower');
    const path = join(GOLDEN, file);
    if (process.env.UPDATE_GOLDEN || !existsSync(path)) writeFileSync(path, result.code.code);
    expect(result.code.code).toBe(readFileSync(path, 'utf8'));
  });
});
