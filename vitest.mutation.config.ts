import { defineConfig } from 'vitest/config';

/**
 * Vitest config for mutation testing (`npm run mutation`, stryker.config.mjs): only the fast unit
 * tests that exercise shared/graph, shared/layers, shared/codegen and shared/onnx. The WebGPU,
 * training, dataset and Python suites are left out: they are slow on this machine and Stryker
 * reruns the covering tests once per mutant.
 */
export default defineConfig({
  test: {
    include: ['tests/shared/**/*.test.ts'],
    exclude: [
      'tests/shared/webgpu-*.test.ts',
      'tests/shared/training.test.ts',
      'tests/shared/datasets.test.ts',
      'tests/shared/npz-writer.test.ts',
      'tests/shared/wasm-matmul.test.ts',
      'tests/shared/tfjs-inspect.test.ts',
    ],
    environment: 'node',
    testTimeout: 60_000,
  },
});
