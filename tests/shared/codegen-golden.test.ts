/**
 * Golden files for the MNIST MLP, compared exactly. A missing golden fails. After an intended
 * change, regenerate explicitly with `UPDATE_GOLDENS=1 npm run test:unit` (or
 * `UPDATE_GOLDENS=1 npx vitest run --project unit tests/shared/codegen-golden.test.ts`) and read
 * the diff: the files should read like code a good teacher would write.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCode } from '../../shared/codegen/index.ts';
import { loadTemplate } from '../../shared/templates/index.ts';

const GOLDEN = join(import.meta.dirname, '../golden');
const UPDATE = process.env.UPDATE_GOLDENS === '1';

/** The golden file's text; writes `actual` first only when updating was asked for. */
function readGolden(path: string, actual: string, update = UPDATE): string {
  if (update) writeFileSync(path, actual);
  if (!existsSync(path)) {
    throw new Error(
      `Golden file ${path} is missing. Create it with UPDATE_GOLDENS=1 npm run test:unit ` +
        'and review it before committing.',
    );
  }
  return readFileSync(path, 'utf8');
}

describe.each([
  ['keras', 'mnist-mlp.keras.py'],
  ['pytorch', 'mnist-mlp.torch.py'],
] as const)('%s golden file', (framework, file) => {
  it(`equals tests/golden/${file}`, () => {
    const result = generateCode(loadTemplate('mnist-mlp'), framework);
    if (!result.ok) throw new Error('mnist-mlp must lower');
    expect(result.code.code).toBe(readGolden(join(GOLDEN, file), result.code.code));
  });
});

describe('golden files never rewrite themselves', () => {
  it('a missing golden fails without creating the file', () => {
    const path = join(GOLDEN, 'does-not-exist.py');
    expect(() => readGolden(path, 'x = 1\n', false)).toThrow(
      /does-not-exist\.py is missing\. Create it with UPDATE_GOLDENS=1 npm run test:unit/,
    );
    expect(existsSync(path)).toBe(false);
  });
});
