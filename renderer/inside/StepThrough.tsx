import { useEffect, useMemo, useState } from 'react';
import { stepThrough, type BlockActivation } from '../../shared/tfjs/inspect.ts';
import { editorStore, useEditor } from '../store/index.ts';
import { useExample } from './examples.ts';
import { ExamplePicker } from './ExamplePicker.tsx';
import { channelHeatmap, fmt, topK } from './helpers.ts';
import { currentModel, loadTf, type InferenceState } from './inference.ts';
import { Pixels } from './Pixels.tsx';
import { useClassNames, viewOf } from './Predictions.tsx';

/** Feature maps show this many channels; vectors longer than LONG show their TOP values. */
const CHANNELS = 16;
const LONG = 32;
const TOP = 16;

/** Runs `stepThrough` on the example with the UI-thread model (recomputed when either changes). */
function useActivations(inf: InferenceState) {
  const example = useExample((s) => s.example);
  const [acts, setActs] = useState<BlockActivation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const m = currentModel();
    if (!example || !m || inf.status !== 'ready') {
      setActs(null);
      return;
    }
    void (async () => {
      try {
        const tf = await loadTf();
        const out = await stepThrough(tf, m.model, m.ir, example.values);
        if (live) {
          setActs(out);
          setError(null);
        }
      } catch (e) {
        if (live) setError(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => {
      live = false;
    };
  }, [example, inf.status, inf.version]);
  return { acts, error };
}

/** "Step through a forward pass": one block's activations at a time, Prev/Next or a click. */
export function StepThrough({ inf }: { inf: InferenceState }) {
  const { acts, error } = useActivations(inf);
  const [step, setStep] = useState(0);
  const selected = useEditor((s) => s.selectedNodeIds);
  const shape = inf.ir ? (inf.ir.ops[0]!.params.shape as number[]) : null;
  const n = acts?.length ?? 0;
  const at = Math.min(step, Math.max(0, n - 1));
  const current = acts?.[at] ?? null;

  // A block clicked on the canvas becomes the current step.
  useEffect(() => {
    if (!acts || selected.length !== 1) return;
    const i = acts.findIndex((a) => a.opId === selected[0]);
    if (i >= 0) setStep(i);
  }, [selected, acts]);

  const go = (i: number) => {
    if (!acts) return;
    const next = Math.max(0, Math.min(n - 1, i));
    setStep(next);
    editorStore.getState().select([acts[next]!.opId]);
  };

  return (
    <section className="isection" data-testid="step-through">
      <h3>Step through a forward pass</h3>
      {shape && <ExamplePicker shape={shape} draw={false} />}
      {error && <div className="terror">{error}</div>}
      {acts && current && (
        <>
          <div className="stepper">
            <button
              type="button"
              data-testid="step-prev"
              disabled={at === 0}
              onClick={() => go(at - 1)}
            >
              ← Prev
            </button>
            <span className="stepper__where" data-testid="step-where" data-step={at} data-steps={n}>
              {at + 1} / {n}
            </span>
            <button
              type="button"
              data-testid="step-next"
              disabled={at === n - 1}
              onClick={() => go(at + 1)}
            >
              Next →
            </button>
          </div>
          <ol className="steps" aria-label="Blocks in model order">
            {acts.map((a, i) => (
              <li key={a.opId}>
                <button
                  type="button"
                  className={`steps__chip${i === at ? ' is-current' : ''}${i < at ? ' is-done' : ''}`}
                  data-testid={`step-block-${a.opId}`}
                  onClick={() => go(i)}
                >
                  {a.opName}
                </button>
              </li>
            ))}
          </ol>
          <Activation act={current} inf={inf} last={at === n - 1} />
        </>
      )}
    </section>
  );
}

function Activation({
  act,
  inf,
  last,
}: {
  act: BlockActivation;
  inf: InferenceState;
  last: boolean;
}) {
  const classNames = useClassNames();
  const size = act.values.length;
  let stats = { min: Infinity, max: -Infinity };
  for (const v of act.values) stats = { min: Math.min(stats.min, v), max: Math.max(stats.max, v) };
  const view = last ? viewOf(act.values, inf, classNames) : null;
  const best = view?.kind === 'classes' ? view.values.indexOf(Math.max(...view.values)) : -1;
  return (
    <div
      className="act"
      data-testid="activation"
      data-op={act.opId}
      data-type={act.type}
      data-shape={act.shape.join(',')}
      {...(last ? { 'data-final': JSON.stringify(Array.from(act.values)), 'data-top': best } : {})}
    >
      <div className="act__head">
        <strong>{act.opName}</strong> <span className="muted">{act.type}</span>{' '}
        <span className="mono">[{act.shape.join(' × ')}]</span>
        <span className="muted act__range">
          min {fmt(stats.min)} · max {fmt(stats.max)}
        </span>
      </div>
      {act.shape.length === 3 ? (
        <FeatureMaps act={act} />
      ) : size === 784 ? (
        <div className="act__image">
          <Pixels
            values={act.values}
            width={28}
            height={28}
            map="gray"
            size={112}
            testId="act-image"
          />
          <span className="muted">784 values shown as the 28×28 image</span>
        </div>
      ) : (
        <VectorBars
          values={act.values}
          labels={
            view?.kind === 'classes'
              ? view.labels
              : act.type === 'Input' && size === 2
                ? ['x', 'y']
                : null
          }
        />
      )}
      {view && (
        <div className="act__final" data-testid="step-prediction">
          {view.kind === 'classes' ? (
            <>
              Prediction: <strong>{view.labels[best]}</strong>{' '}
              <span className="muted">({(view.values[best]! * 100).toFixed(1)}%)</span>
            </>
          ) : (
            <>
              Output: <strong className="mono">{view.values.map(fmt).join(', ')}</strong>
            </>
          )}
        </div>
      )}
    </div>
  );
}

function FeatureMaps({ act }: { act: BlockActivation }) {
  const [h, w, c] = act.shape as [number, number, number];
  const shown = Math.min(c, CHANNELS);
  const maps = useMemo(
    () => Array.from({ length: shown }, (_, k) => channelHeatmap(act.values, act.shape, k)),
    [act, shown],
  );
  const cell = Math.max(44, Math.min(84, Math.round(300 / Math.min(4, shown) - 8)));
  return (
    <div>
      <div className="fmaps" data-testid="feature-maps" data-channels={shown}>
        {maps.map((m, k) => (
          <figure key={k} className="fmaps__cell">
            <Pixels
              values={m.values}
              width={w}
              height={h}
              map="seq"
              size={cell}
              title={`channel ${k + 1}: ${fmt(m.min)} … ${fmt(m.max)}`}
              testId="heatmap"
            />
            <figcaption className="muted">ch {k + 1}</figcaption>
          </figure>
        ))}
      </div>
      <div className="muted">
        {shown < c ? `First ${shown} of ${c} channels` : `${c} channel${c === 1 ? '' : 's'}`}, each
        scaled to its own range (dark = low, yellow = high).
      </div>
    </div>
  );
}

function VectorBars({ values, labels }: { values: Float32Array; labels: string[] | null }) {
  const long = values.length > LONG;
  const rows = long ? topK(values, TOP) : Array.from(values, (value, index) => ({ index, value }));
  const scale = Math.max(1e-9, ...Array.from(values, Math.abs));
  return (
    <div>
      <div className="vbars" data-testid="vector-bars" data-count={rows.length}>
        {rows.map(({ index, value }) => (
          <div key={index} className="vbars__row">
            <span className="vbars__label mono">{labels?.[index] ?? `#${index}`}</span>
            <div className="vbars__track">
              <div
                className={`vbars__fill${value < 0 ? ' is-neg' : ''}`}
                style={{ width: `${(Math.abs(value) / scale) * 100}%` }}
              />
            </div>
            <span className="vbars__value mono">{fmt(value)}</span>
          </div>
        ))}
      </div>
      {long && (
        <div className="muted">
          Top {TOP} of {values.length} values ({Array.from(values).filter((v) => v === 0).length}{' '}
          are exactly 0).
        </div>
      )}
    </div>
  );
}
