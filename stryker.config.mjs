// Mutation testing of shared/ (issue 17 item 7). Run one folder at a time, e.g.
//   npm run mutation -- --mutate 'shared/layers/**/*.ts'
// Results: reports/mutation/mutation.html and the clear-text table on stdout. See docs/testing.md.
// MUTATION_NAME=graph names the report files (reports/mutation/graph.html, .json) and the
// sandbox, so that two folders can run side by side.
const name = process.env.MUTATION_NAME ?? 'mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // Static mutants (module-level tables such as LAYERS) rerun every test; on 2 shared cores that
  // is hours. They are reported as ignored, not as survivors.
  ignoreStatic: true,
  concurrency: 2,
  mutate: [
    'shared/graph/**/*.ts',
    'shared/layers/**/*.ts',
    'shared/codegen/**/*.ts',
    'shared/onnx/**/*.ts',
  ],
  ignorePatterns: ['.tools', 'reports', '.stryker-tmp', 'tests/e2e', 'bench', 'electron', 'assets'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  timeoutMS: 30000,
  incrementalFile: `reports/stryker-incremental-${name}.json`,
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: true,
};
