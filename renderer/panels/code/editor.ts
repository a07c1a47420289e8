/**
 * A CodeMirror 6 view of a script: Python highlighting in the app's colours, line numbers, the
 * selected block's lines marked, and clicks on a line reported with its number. Read-only (a
 * generated script) until `setEditable(true)` (the Code panel's edit mode, the "Paste code"
 * dialog): then typing is reported through `onEdit`, with the editor's own undo, and problems are
 * shown at their places with `setProblems`.
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { HighlightStyle, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { pythonLanguage } from '@codemirror/lang-python';
import { lintGutter, setDiagnostics, type Diagnostic as LintDiagnostic } from '@codemirror/lint';
import {
  Annotation,
  Compartment,
  EditorState,
  RangeSetBuilder,
  StateEffect,
  StateField,
  Transaction,
} from '@codemirror/state';
import {
  Decoration,
  EditorView,
  keymap,
  lineNumbers,
  placeholder,
  type DecorationSet,
} from '@codemirror/view';
import { tags as t } from '@lezer/highlight';
import type { SourceDiagnostic } from '../../../shared/import/python/index.ts';
import { clampSpan } from '../../code-import/model.ts';
import { minimalChange, type LineRange } from './model.ts';

const highlightStyle = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword], color: '#8b3fd9' },
  { tag: [t.operatorKeyword, t.self], color: '#8b3fd9' },
  { tag: [t.bool, t.null], color: '#c2410c' },
  { tag: [t.number], color: '#c2410c' },
  { tag: [t.string, t.special(t.string)], color: '#16805a' },
  { tag: t.docString, color: '#5d7a68', fontStyle: 'italic' },
  { tag: t.comment, color: '#8590a3', fontStyle: 'italic' },
  { tag: [t.function(t.definition(t.variableName)), t.definition(t.className)], color: '#2f53e0' },
  { tag: t.className, color: '#b4530a' },
  { tag: t.function(t.propertyName), color: '#1f6fb2' },
  { tag: t.function(t.variableName), color: '#1f6fb2' },
  { tag: [t.propertyName], color: '#33405a' },
  { tag: [t.operator, t.punctuation, t.paren, t.squareBracket, t.brace], color: '#59627a' },
]);

const theme = EditorView.theme({
  '&': { height: '100%', fontSize: '12px', backgroundColor: '#fbfcfe' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.55' },
  '.cm-content': { padding: '8px 0', caretColor: 'transparent' },
  '.cm-line': { padding: '0 14px 0 8px' },
  '.cm-gutters': {
    backgroundColor: '#f5f7fb',
    color: '#a3abbb',
    borderRight: '1px solid var(--line)',
  },
  '.cm-lineNumbers .cm-gutterElement': { padding: '0 8px 0 10px', minWidth: '34px' },
  '.cm-line.cm-owned': { cursor: 'pointer' },
  '.cm-line.cm-owned:hover': { backgroundColor: '#f0f3fa' },
  '.cm-line.cm-owned-selected, .cm-line.cm-owned-selected:hover': {
    backgroundColor: 'var(--accent-soft)',
    boxShadow: 'inset 3px 0 0 var(--accent)',
  },
  '.cm-selectionBackground, &.cm-focused .cm-selectionBackground': {
    backgroundColor: '#d5defd !important',
  },
  '.cm-lint-marker': { width: '0.9em', height: '0.9em' },
  '.cm-diagnostic': { fontFamily: 'var(--sans, system-ui)', fontSize: '12px' },
});

/** What changes when the editor becomes editable: a caret, undo, typing keys, a lint gutter. */
const editableExtensions = [
  EditorView.theme({
    '&': { backgroundColor: '#ffffff' },
    '.cm-content': { caretColor: 'var(--accent, #2f53e0)' },
  }),
  history(),
  indentUnit.of('    '),
  keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
  lintGutter(),
];
const readOnlyExtensions = [EditorState.readOnly.of(true), EditorView.editable.of(false)];

/** Marks the editor's own text replacements, so that only the user's typing is an edit. */
const programmatic = Annotation.define<boolean>();

/** The lines of the selected blocks, and every line that belongs to some block. */
interface Marks {
  selected: readonly LineRange[];
  owned: readonly (string | null)[];
}

const setMarks = StateEffect.define<Marks>();

const ownedLine = Decoration.line({ class: 'cm-owned' });
const selectedLine = Decoration.line({ class: 'cm-owned cm-owned-selected' });

function decorate(state: EditorState, marks: Marks): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  const selected = new Set<number>();
  for (const r of marks.selected) for (let l = r.from; l <= r.to; l++) selected.add(l);
  const lines = Math.min(state.doc.lines, marks.owned.length);
  for (let l = 1; l <= lines; l++) {
    if (selected.has(l)) builder.add(state.doc.line(l).from, state.doc.line(l).from, selectedLine);
    else if (marks.owned[l - 1]) {
      builder.add(state.doc.line(l).from, state.doc.line(l).from, ownedLine);
    }
  }
  return builder.finish();
}

const marksField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    let next = value.map(tr.changes);
    for (const e of tr.effects) if (e.is(setMarks)) next = decorate(tr.state, e.value);
    return next;
  },
  provide: (f) => EditorView.decorations.from(f),
});

export interface CodeEditor {
  view: EditorView;
  /** Replaces the text with the smallest edit (the scroll position stays) and re-marks lines. */
  update(code: string, owned: readonly (string | null)[], selected: readonly LineRange[]): void;
  /** Scrolls a line into the middle of the view unless it is already visible. */
  reveal(line: number): void;
  /** Read-only (a generated script) or editable (typing reported through `onEdit`). */
  setEditable(editable: boolean): void;
  /** Shows problems at their places (underlined, a gutter marker, the message on hover). */
  setProblems(problems: readonly SourceDiagnostic[]): void;
  /** The text as it is now. */
  text(): string;
  /** Applies a problem's one-click fix (offsets into the current text) as the user's edit. */
  applyFix(fix: NonNullable<SourceDiagnostic['fix']>): void;
  destroy(): void;
}

export interface CodeEditorOptions {
  /** The user changed the text (not `update`): the whole new text. */
  onEdit?: (text: string) => void;
  editable?: boolean;
  /** Shown while the text is empty. */
  placeholder?: string;
}

export function createCodeEditor(
  parent: HTMLElement,
  label: string,
  onLineClick: (line: number) => void,
  options: CodeEditorOptions = {},
): CodeEditor {
  const mode = new Compartment();
  let editable = options.editable ?? false;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: '',
      extensions: [
        mode.of(editable ? editableExtensions : readOnlyExtensions),
        EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
        ...(options.placeholder ? [placeholder(options.placeholder)] : []),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged || !options.onEdit) return;
          if (u.transactions.some((tr) => tr.annotation(programmatic))) return;
          options.onEdit(u.state.doc.toString());
        }),
        lineNumbers(),
        pythonLanguage,
        syntaxHighlighting(highlightStyle),
        theme,
        marksField,
        EditorView.domEventHandlers({
          // The canvas owns Delete, Mod+A and copy/cut on the document: inside the code they mean
          // the code's own text.
          keydown(event, v) {
            const mod = event.ctrlKey || event.metaKey;
            if (mod && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'a') {
              v.dispatch({ selection: { anchor: 0, head: v.state.doc.length } });
              event.preventDefault();
              event.stopPropagation();
              return true;
            }
            if (event.key === 'Delete' || event.key === 'Backspace') event.stopPropagation();
            return false;
          },
          copy(event, v) {
            if (!v.state.selection.main.empty) event.stopPropagation();
            return false;
          },
          cut(event, v) {
            if (!v.state.selection.main.empty) event.stopPropagation();
            return false;
          },
          click(event, v) {
            // A drag that selected text is not a click on a line; in an editor a click places the caret.
            if (editable || !v.state.selection.main.empty) return false;
            const pos = v.posAtCoords({ x: event.clientX, y: event.clientY });
            if (pos === null) return false;
            onLineClick(v.state.doc.lineAt(pos).number);
            return false;
          },
        }),
      ],
    }),
  });
  return {
    view,
    update(code, owned, selected) {
      const change = minimalChange(view.state.doc.toString(), code);
      view.dispatch({
        ...(change ? { changes: change } : {}),
        effects: setMarks.of({ owned, selected }),
        // The graph's code is not a step of the user's own undo in the editor.
        annotations: [programmatic.of(true), Transaction.addToHistory.of(false)],
      });
    },
    setEditable(on) {
      if (on === editable) return;
      editable = on;
      view.dispatch({ effects: mode.reconfigure(on ? editableExtensions : readOnlyExtensions) });
    },
    setProblems(problems) {
      const length = view.state.doc.length;
      const diagnostics: LintDiagnostic[] = problems.map((p) => {
        let { from, to } = clampSpan(p, length);
        // An empty span (a missing token) still gets a visible mark: the character at it.
        if (from === to) {
          if (to < length) to += 1;
          else if (from > 0) from -= 1;
        }
        return { from, to, severity: p.severity, message: `Line ${p.line}: ${p.message}` };
      });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    text: () => view.state.doc.toString(),
    applyFix(fix) {
      const length = view.state.doc.length;
      const changes = fix.edits
        .map((e) => ({ ...clampSpan(e, length), insert: e.insert }))
        .sort((a, b) => a.from - b.from);
      view.dispatch({ changes, userEvent: 'input' });
    },
    reveal(line) {
      // After layout: a pane that has just mounted has not measured its lines yet.
      requestAnimationFrame(() => {
        if (line < 1 || line > view.state.doc.lines || !view.dom.isConnected) return;
        const pos = view.state.doc.line(line).from;
        const block = view.lineBlockAt(pos);
        const scroller = view.scrollDOM;
        const top = block.top + view.documentPadding.top;
        const visible =
          scroller.clientHeight > 0 &&
          top >= scroller.scrollTop &&
          top + block.height <= scroller.scrollTop + scroller.clientHeight;
        if (!visible) view.dispatch({ effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
      });
    },
    destroy() {
      view.destroy();
    },
  };
}
