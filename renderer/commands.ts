import { useReactFlow } from '@xyflow/react';
import { useEffect, useMemo } from 'react';
import { serializeProject } from '../shared/index.ts';
import {
  MODEL_FILE_FILTERS,
  PROJECT_FILE_FILTERS,
  PROJECT_FILE_SUFFIX,
} from '../shared/ipc/contract.ts';
import { frameFor } from './canvas/frame.ts';
import { layoutGraph } from './canvas/layout.ts';
import { showDialog } from './dialogs/dialogStore.ts';
import {
  platform,
  PlatformError,
  RecentFileGone,
  type HostCommand,
  type OpenedFile,
} from './platform/index.ts';
import { pythonScriptOf } from './code-import/model.ts';
import { importModelFiles } from './project/importModel.ts';
import { nativeEdit } from './shortcuts.ts';
import { editorStore, parseProjectFile, useEditor } from './store/index.ts';

const FIT_DURATION = 300;

/** A file name for a project: its name made safe, with the project extension. */
export function projectFileName(name: string): string {
  const base = name.replace(/[^\w.\- ]+/g, '').trim() || 'project';
  return `${base}${PROJECT_FILE_SUFFIX}`;
}

function describeError(action: string, e: unknown): string {
  if (e instanceof PlatformError) {
    const details = e.details.slice(0, 3).join('; ');
    return details ? `${e.message}: ${details}` : e.message;
  }
  return `${action}: ${e instanceof Error ? e.message : String(e)}`;
}

/** A failed open as a dialog listing every problem (the open project stays as it was). */
function showOpenError(e: unknown) {
  if (e instanceof PlatformError) {
    showDialog({
      kind: 'error',
      title: e.message,
      problems: e.details.length > 0 ? e.details : [e.message],
    });
  } else {
    showDialog({
      kind: 'error',
      title: 'Could not open the file',
      problems: [e instanceof Error ? e.message : String(e)],
    });
  }
}

/** Asks before replacing unsaved work; true when it may go ahead. */
export function mayDiscard(): boolean {
  const { dirty, project } = editorStore.getState();
  if (!dirty || project.graph.nodes.length === 0) return true;
  return window.confirm('Replace the current graph? Unsaved changes will be lost.');
}

/**
 * Every editor command in one place, shared by the toolbar, the keyboard and the desktop menu.
 * Must be used inside the ReactFlowProvider.
 */
export function useEditorCommands() {
  const flow = useReactFlow();
  return useMemo(() => {
    const store = () => editorStore.getState();
    // The whole graph, from its positions: blocks not rendered yet (large graphs) count too.
    const fit = () => {
      const canvas = document.querySelector<HTMLElement>('[data-testid="canvas"]');
      const view = canvas && frameFor(canvas, 'whole');
      if (view) void flow.setViewport(view, { duration: FIT_DURATION });
    };

    // A big file is parsed (and its graph analysed) in the analysis worker: no long task here.
    const load = async (file: OpenedFile) => {
      const result = await parseProjectFile(file.text);
      if (!result.ok) {
        showDialog({
          kind: 'error',
          title: `Could not open ${file.name}`,
          problems: result.errors,
        });
        return;
      }
      store().loadProject(result.project, file.path ?? null);
      store().notify(`Opened ${file.name}`);
    };

    const save = async (saveAs = false) => {
      try {
        const { project, filePath } = store();
        const path = saveAs ? undefined : (filePath ?? undefined);
        const result = await platform.saveFile(
          projectFileName(project.name),
          serializeProject(project),
          path ? { path } : {},
        );
        if (result.saved) {
          // Edits made while the file was being written stay unsaved.
          if (store().project === project) store().markSaved(result.path ?? filePath);
          else editorStore.setState({ filePath: result.path ?? filePath });
          store().notify(`Saved ${result.location ?? ''}`.trim());
        }
      } catch (e) {
        store().notify(describeError('Could not save', e), 'error');
      }
    };

    return {
      newEmpty() {
        if (mayDiscard()) store().newEmpty();
      },
      newFromTemplate(id: string) {
        if (mayDiscard()) store().newFromTemplate(id);
      },
      async open() {
        if (!mayDiscard()) return;
        try {
          const file = await platform.openFile([...PROJECT_FILE_FILTERS]);
          if (file) await load(file);
        } catch (e) {
          showOpenError(e);
        }
      },
      /**
       * An ONNX model or a TF.js / Keras model JSON (with its weight files) opens as a new
       * project, laid out by ELK, weights kept. Like Open: fresh history, no file path; anything
       * unsupported shows the importer's message and the open project stays.
       */
      async importModel() {
        if (!mayDiscard()) return;
        try {
          const files = await platform.openModelFiles([...MODEL_FILE_FILTERS]);
          if (!files) return;
          const script = pythonScriptOf(files);
          if (script) {
            if (script.ok) showDialog({ kind: 'paste-code', text: script.text, name: script.name });
            else
              showDialog({
                kind: 'error',
                title: 'Could not import the code',
                problems: [script.error],
              });
            return;
          }
          const result = importModelFiles(files);
          if (!result.ok) {
            // The importer's one message: a lead sentence, then `  - item` lines when it lists.
            const lines = result.error.split('\n');
            const items = lines.filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));
            showDialog(
              items.length > 0
                ? { kind: 'error', title: lines[0]!.replace(/:$/, ''), problems: items }
                : { kind: 'error', title: 'Could not import the model', problems: [result.error] },
            );
            return;
          }
          let { project } = result;
          try {
            const positions = await layoutGraph(project.graph);
            const nodes = project.graph.nodes.map((n) => {
              const p = positions.get(n.id);
              return p ? { ...n, position: { x: p.x, y: p.y } } : n;
            });
            project = { ...project, graph: { ...project.graph, nodes } };
          } catch {
            // The importer's own layered layout stays.
          }
          store().loadProject(project, null);
          // Like Open (not like a template): the import starts a fresh history.
          store().clearHistory();
          const summary = `Imported ${project.name}: ${result.blocks} blocks, ${result.params.toLocaleString('en-US')} parameters${result.hasWeights ? ', weights kept' : ''}`;
          store().notify([summary, ...result.notes].join('. '));
        } catch (e) {
          showOpenError(e);
        }
      },
      /** "Paste code": import a Keras or PyTorch model from its source (typed or pasted). */
      pasteCode(text = '') {
        showDialog({ kind: 'paste-code', text });
      },
      async openRecent(path: string) {
        if (!platform.openRecent || !mayDiscard()) return;
        try {
          await load(await platform.openRecent(path));
        } catch (e) {
          if (e instanceof RecentFileGone) store().notify(e.message, 'error');
          else showOpenError(e);
        }
      },
      save: () => save(false),
      saveAs: () => save(true),
      async autoLayout() {
        try {
          const { project, measured } = store();
          store().applyLayout(await layoutGraph(project.graph, measured));
          setTimeout(fit, 30);
        } catch (e) {
          store().notify(describeError('Auto layout failed', e), 'error');
        }
      },
      fitView: fit,
      zoomIn: () => void flow.zoomIn({ duration: 150 }),
      zoomOut: () => void flow.zoomOut({ duration: 150 }),
      deleteSelection() {
        if (nativeEdit('delete')) return;
        const { selectedNodeIds, selectedEdgeIds } = store();
        store().removeElements(selectedNodeIds, selectedEdgeIds);
      },
      selectAll() {
        if (!nativeEdit('selectAll')) store().selectAll();
      },
      undo() {
        if (!nativeEdit('undo')) store().undo();
      },
      redo() {
        if (!nativeEdit('redo')) store().redo();
      },
      duplicate() {
        if (store().duplicateSelection().length === 0) store().notify('Select blocks to duplicate');
      },
      help: () => showDialog({ kind: 'help' }),
      about: () => showDialog({ kind: 'about' }),
    };
  }, [flow]);
}

export type EditorCommands = ReturnType<typeof useEditorCommands>;

/**
 * Handlers for host commands owned by other features (e.g. `file:export-keras` from the Code
 * panel): `HOST_COMMAND_HANDLERS.set('file:export-keras', () => ...)`.
 */
export const HOST_COMMAND_HANDLERS = new Map<string, (command: HostCommand) => void>();

/** Runs the desktop menu's commands and keeps the window title in step with the document. */
export function useHostIntegration(commands: EditorCommands) {
  const name = useEditor((s) => s.project.name);
  const filePath = useEditor((s) => s.filePath);
  const dirty = useEditor((s) => s.dirty);

  useEffect(() => {
    const fileName = filePath ? (filePath.split(/[\\/]/).pop() ?? name) : name;
    platform.setDocumentState({ fileName, dirty });
  }, [name, filePath, dirty]);

  useEffect(
    () =>
      platform.onCommand((host: HostCommand) => {
        const { command, path } = host;
        const extra = HOST_COMMAND_HANDLERS.get(command);
        if (extra) return extra(host);
        switch (command) {
          case 'file:new':
            return commands.newEmpty();
          case 'file:new-from-template':
            return editorStore.getState().setTemplateMenuOpen(true);
          case 'file:open':
            return void commands.open();
          case 'file:import-model':
            return void commands.importModel();
          case 'file:import-code':
            return commands.pasteCode();
          case 'file:open-recent':
            return path ? void commands.openRecent(path) : undefined;
          case 'file:save':
            return void commands.save();
          case 'file:save-as':
            return void commands.saveAs();
          case 'file:save-and-close':
            return void commands.save().then(() => {
              if (!editorStore.getState().dirty) void platform.closeWindow?.();
            });
          case 'edit:undo':
            return commands.undo();
          case 'edit:redo':
            return commands.redo();
          case 'edit:duplicate':
            return commands.duplicate();
          case 'help:shortcuts':
            return commands.help();
          case 'help:about':
            return commands.about();
          case 'edit:delete':
            return commands.deleteSelection();
          case 'edit:select-all':
            return commands.selectAll();
          case 'view:zoom-in':
            return commands.zoomIn();
          case 'view:zoom-out':
            return commands.zoomOut();
          case 'view:fit':
            return commands.fitView();
          case 'view:auto-layout':
            return void commands.autoLayout();
          default:
            editorStore.getState().notify(`“${command}” is not available yet`);
        }
      }),
    [commands],
  );
}
