/** Generated Python: Keras and PyTorch scripts from the IR. */
import type { Project } from '../graph/project.ts';
import { lowerGraph } from '../ir/lower.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { CodegenOptions, GeneratedCode } from './common.ts';
import { generateKeras } from './keras.ts';
import { type PytorchOptions, generatePytorch } from './pytorch.ts';

export type { CodegenOptions, CodegenSource, GeneratedCode } from './common.ts';
export { generateKeras, kerasLayerCall, KERAS_FILENAME } from './keras.ts';
export { kerasLayerConfig, type KerasLayerConfig } from './keras-config.ts';
export { lossPlan, outputActivation, resolveLoss, type Loss, type LossPlan } from './loss.ts';
export { generatePytorch, PYTORCH_FILENAME, type PytorchOptions } from './pytorch.ts';
export { pyString, pyCommentText, pyDocText, PyWriter } from './py-writer.ts';

export type Framework = 'keras' | 'pytorch';

export type CodeResult =
  { ok: true; code: GeneratedCode } | { ok: false; diagnostics: Diagnostic[] };

/** Lowers a project's graph and generates one framework's script; diagnostics when invalid. */
export function generateCode(
  project: Project,
  framework: Framework,
  options: CodegenOptions & PytorchOptions = {},
): CodeResult {
  const lowered = lowerGraph(project.graph);
  if (!lowered.ok) return { ok: false, diagnostics: lowered.diagnostics };
  const source = { name: project.name, ir: lowered.ir, training: project.training };
  return {
    ok: true,
    code: framework === 'keras' ? generateKeras(source, options) : generatePytorch(source, options),
  };
}
