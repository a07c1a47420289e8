/**
 * CSV import in the Training panel: pick a file, see its first rows and detected column types,
 * choose the target, task, normalisation and the columns to leave out. The file is read and
 * parsed in the training worker (client.loadCsv); the choices live in the project's
 * `training.csv`, the data does not: a reopened project asks for the file again.
 */
import { useEffect, useRef } from 'react';
import type { CsvSettings, TrainingSettings } from '../../shared/graph/project.ts';
import { csvChoicesFor, csvDefaults } from '../../shared/datasets/csv-choices.ts';
import { training, useTraining } from './client.ts';

const NORMALIZATIONS: [CsvSettings['normalization'], string][] = [
  ['standard', 'standardise'],
  ['minmax', 'min-max 0..1'],
  ['none', 'none'],
];

const fmtBytes = (n: number) =>
  n < 1024
    ? `${n} B`
    : n < 1024 * 1024
      ? `${(n / 1024).toFixed(0)} KB`
      : `${(n / 1048576).toFixed(1)} MB`;

export function CsvImport({
  settings,
  setTraining,
  running,
}: {
  settings: TrainingSettings;
  setTraining: (patch: Partial<TrainingSettings>) => void;
  running: boolean;
}) {
  const csv = useTraining().csv;
  const saved = settings.csv;
  const input = useRef<HTMLInputElement>(null);
  // The choices that apply to the picked file (saved ones only when they name it).
  const choices = csv ? csvChoicesFor(saved, csv.name) : null;
  const key = choices ? JSON.stringify(choices) : '';

  // New choices are checked in the worker (the data set's shape for the fit check, errors).
  const lastKey = useRef('');
  useEffect(() => {
    if (!csv || !choices || csv.preview === null || key === lastKey.current) return;
    lastKey.current = key;
    void training.describeCsv(choices, settings.seed);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, csv?.fileId, csv?.preview === null]);

  const pick = async (file: File) => {
    lastKey.current = '';
    const start = csvChoicesFor(saved, file.name) ?? {};
    const answer = await training.loadCsv(file, file.name, start, settings.seed);
    if (!answer?.preview) return;
    // Saved choices for this file are kept when they still fit it; else the defaults.
    const next = csvDefaults(answer.preview, saved);
    lastKey.current = JSON.stringify(csvChoicesFor(next, file.name));
    setTraining({ csv: next });
  };

  const set = (patch: Partial<CsvSettings>) => {
    if (saved) setTraining({ csv: { ...saved, ...patch } });
  };
  const preview = csv?.preview ?? null;
  const target = saved && preview && saved.fileName === csv?.name ? saved.target : null;

  return (
    <div className="tcsv" data-testid="train-csv-import">
      <div className="tcsv__file">
        <button
          type="button"
          data-testid="train-csv-choose"
          disabled={running}
          onClick={() => input.current?.click()}
        >
          {csv ? 'Choose another file…' : 'Choose CSV file…'}
        </button>
        <input
          ref={input}
          type="file"
          hidden
          accept=".csv,.tsv,.txt,text/csv"
          data-testid="train-csv"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void pick(file);
          }}
        />
        {csv && (
          <span className="tcsv__name" data-testid="train-csv-name">
            <b>{csv.name}</b> · {fmtBytes(csv.size)}
            {preview && ` · ${preview.rowCount.toLocaleString('en')} rows`}
          </span>
        )}
      </div>
      {!csv && saved && (
        <div className="tnote" data-testid="train-csv-reopen">
          This project trains on <b>{saved.fileName}</b> (target “{saved.target}”, {saved.task}).
          Its data is not stored in the project: choose {saved.fileName} again to train.
        </div>
      )}
      {!csv && !saved && (
        <div className="muted">
          A table with a header row; one column is the target to predict. Numbers are used as they
          are, text columns are one-hot encoded.
        </div>
      )}
      {csv?.loading && (
        <div className="muted" data-testid="train-csv-loading">
          Reading {csv.name} in the background…
        </div>
      )}
      {csv && csv.errors.length > 0 && !csv.loading && (
        <div className="terror" data-testid="train-csv-errors">
          <b>
            {csv.name} can’t be used yet: fix these rows in the file (or leave the column out) and
            choose it again.
          </b>
          <ul>
            {csv.errors.map((e) => (
              <li key={e}>{e.startsWith(`${csv.name}: `) ? e.slice(csv.name.length + 2) : e}</li>
            ))}
          </ul>
        </div>
      )}
      {preview && saved && target && (
        <>
          <div className="tcsv__table" data-testid="train-csv-preview">
            <table>
              <thead>
                <tr>
                  {preview.columns.map((c) => (
                    <th
                      key={c.name}
                      data-column={c.name}
                      data-type={c.name === target ? 'target' : c.type}
                      className={c.name === target ? 'is-target' : `is-${c.type}`}
                      title={c.reason ?? `${c.distinct} distinct values, ${c.missing} missing`}
                    >
                      <span className="tcsv__col">{c.name}</span>
                      <span className="tcsv__type">
                        {c.name === target ? `target · ${saved.task}` : c.type}
                      </span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row, i) => (
                  <tr key={i}>
                    {preview.columns.map((c, j) => (
                      <td key={c.name} className={c.name === target ? 'is-target' : `is-${c.type}`}>
                        {row[j]}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="tform">
            <label>
              Target column
              <select
                data-testid="train-csv-target"
                value={target}
                disabled={running}
                onChange={(e) => {
                  const t = e.target.value;
                  set({
                    target: t,
                    task: preview.defaultTasks[t] ?? 'classification',
                    ignore: saved.ignore.filter((c) => c !== t),
                  });
                }}
              >
                {preview.header.map((h) => (
                  <option key={h}>{h}</option>
                ))}
              </select>
            </label>
            <label>
              Task
              <select
                data-testid="train-csv-task"
                value={saved.task}
                disabled={running}
                onChange={(e) => set({ task: e.target.value as CsvSettings['task'] })}
              >
                <option value="classification">classification</option>
                <option value="regression">regression</option>
              </select>
            </label>
            <label>
              Normalise numbers
              <select
                data-testid="train-csv-normalization"
                value={saved.normalization}
                disabled={running}
                onChange={(e) =>
                  set({ normalization: e.target.value as CsvSettings['normalization'] })
                }
              >
                {NORMALIZATIONS.map(([v, label]) => (
                  <option key={v} value={v}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <fieldset className="tcsv__use" data-testid="train-csv-columns">
            <legend>Feature columns (untick to leave out)</legend>
            {preview.columns
              .filter((c) => c.name !== target)
              .map((c) => {
                // Text with too many values to one-hot is left out whatever the box says.
                const auto = c.type === 'ignored' && !saved.ignore.includes(c.name);
                return (
                  <label key={c.name} title={c.reason}>
                    <input
                      type="checkbox"
                      data-column={c.name}
                      checked={!auto && !saved.ignore.includes(c.name)}
                      disabled={running || auto}
                      onChange={(e) =>
                        set({
                          ignore: e.target.checked
                            ? saved.ignore.filter((x) => x !== c.name)
                            : [...saved.ignore, c.name],
                        })
                      }
                    />
                    {c.name}
                    {auto && <span className="muted"> (too many values)</span>}
                  </label>
                );
              })}
          </fieldset>
          {csv?.info && !csv.loading && (
            <div className="muted" data-testid="train-csv-info">
              {csv.info.featureShape[0]} features ·{' '}
              {csv.info.task.kind === 'classification'
                ? `${csv.info.task.numClasses} classes (${csv.info.task.classNames.slice(0, 6).join(', ')}${csv.info.task.numClasses > 6 ? ', …' : ''})`
                : `regression of ${csv.info.task.targetName}`}{' '}
              · {csv.info.trainCount} train, {csv.info.testCount} test
              {csv.ms !== null && ` · checked in ${(csv.ms / 1000).toFixed(2)} s`}
              {csv.info.notes.length > 0 && `. ${csv.info.notes.join('; ')}`}
            </div>
          )}
        </>
      )}
    </div>
  );
}
