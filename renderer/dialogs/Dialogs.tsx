import { useEffect, useState } from 'react';
import { platform, type HostVersions } from '../platform/index.ts';
import { formatKeys, SHORTCUTS } from '../shortcuts.ts';
import { PasteCodeDialog } from '../code-import/PasteCodeDialog.tsx';
import { Dialog } from './Dialog.tsx';
import { closeDialog, showDialog, useDialog, type DialogState } from './dialogStore.ts';
import './dialogs.css';
import appPackage from '../../package.json';

/** At most this many problems are listed; the rest are counted. */
const MAX_LISTED = 50;

function HelpDialog() {
  const groups = [...new Set(SHORTCUTS.map((s) => s.group))];
  return (
    <Dialog
      title="Keyboard shortcuts"
      testId="help-dialog"
      onClose={closeDialog}
      wide
      actions={
        <>
          <button
            type="button"
            className="btn"
            onClick={() => showDialog({ kind: 'about' })}
            data-testid="help-about"
          >
            About Netwright
          </button>
          <button type="button" className="btn btn--primary" onClick={closeDialog} data-autofocus>
            Close
          </button>
        </>
      }
    >
      <div className="shortcuts">
        {groups.map((group) => (
          <section key={group}>
            <h3>{group}</h3>
            <dl>
              {SHORTCUTS.filter((s) => s.group === group).map((s) => (
                <div key={s.action} className="shortcuts__row">
                  <dt>
                    {s.keys.map((k, i) => (
                      <span key={k}>
                        {i > 0 && <span className="muted"> or </span>}
                        <kbd>{formatKeys(k)}</kbd>
                      </span>
                    ))}
                  </dt>
                  <dd>{s.action}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}

interface Versions {
  tfjs: string;
  onnxruntime: string;
  host: HostVersions;
}

/** Library versions from their package metadata (no need to load TF.js or onnxruntime). */
async function loadVersions(): Promise<Versions> {
  const [tfjs, ort, host] = await Promise.all([
    import('../../node_modules/@tensorflow/tfjs/package.json'),
    import('../../node_modules/onnxruntime-web/package.json'),
    platform.versions?.().catch(() => ({})) ?? Promise.resolve({}),
  ]);
  return { tfjs: tfjs.default.version, onnxruntime: ort.default.version, host };
}

function AboutDialog() {
  const [versions, setVersions] = useState<Versions | null>(null);
  useEffect(() => {
    let live = true;
    void loadVersions().then((v) => live && setVersions(v));
    return () => {
      live = false;
    };
  }, []);
  const rows: [string, string | undefined][] = [
    ['Netwright', versions?.host.app ?? appPackage.version],
    ['TensorFlow.js', versions?.tfjs],
    ['onnxruntime-web', versions?.onnxruntime],
    ...(platform.kind === 'electron'
      ? ([
          ['Electron', versions?.host.electron],
          ['Chrome', versions?.host.chrome],
          ['Node', versions?.host.node],
          ['Platform', versions?.host.platform],
        ] as [string, string | undefined][])
      : ([['Running in', 'a web browser']] as [string, string][])),
  ];
  return (
    <Dialog
      title="About Netwright"
      testId="about-dialog"
      onClose={closeDialog}
      actions={
        <button type="button" className="btn btn--primary" onClick={closeDialog} data-autofocus>
          Close
        </button>
      }
    >
      <p className="about__lead">{appPackage.description}</p>
      <table className="about__versions">
        <tbody>
          {rows.map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td
                className="mono"
                data-testid={`version-${name.toLowerCase().replace(/\W+/g, '-')}`}
              >
                {value ?? '…'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}

function ErrorDialog({ dialog }: { dialog: Extract<DialogState, { kind: 'error' }> }) {
  const listed = dialog.problems.slice(0, MAX_LISTED);
  const more = dialog.problems.length - listed.length;
  return (
    <Dialog
      title={dialog.title}
      testId="error-dialog"
      tone="error"
      wide
      onClose={closeDialog}
      actions={
        <button type="button" className="btn btn--primary" onClick={closeDialog} data-autofocus>
          OK
        </button>
      }
    >
      <p>
        {dialog.problems.length === 1
          ? 'One problem was found.'
          : `${dialog.problems.length} problems were found.`}{' '}
        The project that was open is unchanged.
      </p>
      <ul className="dialog__problems" data-testid="error-problems">
        {listed.map((p, i) => (
          <li key={i}>{p.length > 500 ? `${p.slice(0, 500)}…` : p}</li>
        ))}
      </ul>
      {more > 0 && <p className="muted">…and {more} more.</p>}
    </Dialog>
  );
}

function RecoveryDialog({ dialog }: { dialog: Extract<DialogState, { kind: 'recovery' }> }) {
  const { recovery } = dialog;
  const when = new Date(recovery.savedAt);
  const time = Number.isNaN(when.getTime())
    ? recovery.savedAt
    : when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const file = recovery.sourcePath?.split(/[\\/]/).pop();
  return (
    <Dialog
      title="Restore unsaved work?"
      testId="recovery-dialog"
      actions={
        <>
          <button
            type="button"
            className="btn"
            onClick={dialog.onDiscard}
            data-testid="recovery-discard"
          >
            Discard
          </button>
          <button
            type="button"
            className="btn btn--primary"
            onClick={dialog.onRestore}
            data-testid="recovery-restore"
            data-autofocus
          >
            Restore
          </button>
        </>
      }
    >
      <p>
        Netwright closed without saving <strong>{recovery.projectName.slice(0, 200)}</strong>
        {file ? (
          <>
            {' '}
            (<span className="mono">{file}</span>)
          </>
        ) : null}
        .
      </p>
      <p>
        Autosaved <strong data-testid="recovery-time">{time}</strong>. Restore it, or discard it and
        keep the project that is open now.
      </p>
    </Dialog>
  );
}

/** The modal dialog of the moment, if any. */
export function Dialogs() {
  const dialog = useDialog();
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'help':
      return <HelpDialog />;
    case 'about':
      return <AboutDialog />;
    case 'error':
      return <ErrorDialog dialog={dialog} />;
    case 'recovery':
      return <RecoveryDialog dialog={dialog} />;
    case 'paste-code':
      return <PasteCodeDialog text={dialog.text} name={dialog.name} />;
  }
}
