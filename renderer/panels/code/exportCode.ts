import { HOST_COMMAND_HANDLERS } from '../../commands.ts';
import { platform, PlatformError } from '../../platform/index.ts';
import { editorStore } from '../../store/index.ts';
import { codeStore } from './codeState.ts';
import { buildCodeView, FRAMEWORK_TITLES, type Framework } from './model.ts';

const PYTHON_FILTERS = [{ name: 'Python script', extensions: ['py'] }];

/**
 * Writes one framework's script (`keras_model.py` / `torch_model.py`) with the panel's options
 * through the platform adapter: a save dialog on the desktop, a download in a browser.
 */
export async function exportCode(framework: Framework): Promise<void> {
  const { project, notify } = editorStore.getState();
  const view = buildCodeView(project, codeStore.getState().options);
  if (!view.ok) {
    const n = view.diagnostics.length;
    notify(
      `Cannot export ${FRAMEWORK_TITLES[framework]} code: ${
        n === 0
          ? 'the graph needs one Input and one output'
          : `fix ${n} problem${n === 1 ? '' : 's'} first`
      }`,
      'error',
    );
    return;
  }
  const { filename, code } = view[framework];
  try {
    const result = await platform.exportFile(filename, code, PYTHON_FILTERS);
    if (result.saved) notify(`Exported ${result.location ?? filename}`);
  } catch (e) {
    const message =
      e instanceof PlatformError
        ? [e.message, ...e.details.slice(0, 2)].join(': ')
        : e instanceof Error
          ? e.message
          : String(e);
    notify(`Could not export ${filename}: ${message}`, 'error');
  }
}

// The desktop menu's File › Export commands.
HOST_COMMAND_HANDLERS.set('file:export-keras', () => void exportCode('keras'));
HOST_COMMAND_HANDLERS.set('file:export-pytorch', () => void exportCode('pytorch'));
