/**
 * Torch source → Netwright project. Not written yet: returns one error.
 */
import type { SourceImportOptions, SourceImportResult } from './index.ts';
import type { PyModule } from './syntax.ts';

/** See `importPythonSource`. */
export function importTorchSource(
  module: PyModule,
  options: SourceImportOptions,
): SourceImportResult {
  void module;
  void options;
  return {
    ok: false,
    framework: 'pytorch',
    diagnostics: [
      {
        severity: 'error',
        message: 'importing Torch code is not written yet',
        line: 1,
        column: 1,
        from: 0,
        to: 0,
      },
    ],
  };
}
