import { defineConfig } from 'vitest/config';

/**
 * Vitest config for mutation testing (`npm run mutation`, stryker.config.mjs): only the fast unit
 * tests that exercise shared/graph, shared/layers, shared/codegen and shared/onnx. The WebGPU,
 * training, dataset and Python suites are left out: they are slow on this machine and Stryker
 * reruns the covering tests once per mutant.
 *
 * MUTATION_TESTS (comma-separated globs) narrows the set further for one folder, e.g.
 * `MUTATION_TESTS='tests/shared/{diagnostics,project,mutation-graph}.test.ts'`: the score is then a
 * lower bound (tests left out can only kill more mutants).
 */
const only = process.env.MUTATION_TESTS?.split(',').filter((g) => g !== '');
export default defineConfig({
  test: {
    include: only?.length ? only : ['tests/shared/**/*.test.ts'],
    exclude: [
      'tests/shared/webgpu-*.test.ts',
      'tests/shared/training.test.ts',
      'tests/shared/datasets.test.ts',
      'tests/shared/npz-writer.test.ts',
      'tests/shared/wasm-matmul.test.ts',
      'tests/shared/tfjs-inspect.test.ts',
    ],
    environment: 'node',
    // MUTATION_ISOLATE=0: one worker keeps its imports (TF.js, the layer registry) between
    // mutants instead of importing them again for each test file of each mutant.
    isolate: process.env.MUTATION_ISOLATE !== '0',
    testTimeout: 60_000,
  },
});
