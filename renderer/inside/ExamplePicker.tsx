import { useEffect, useState } from 'react';
import type { Dataset } from '../../shared/datasets/types.ts';
import { useEditor } from '../store/index.ts';
import { DrawPad } from './DrawPad.tsx';
import { mnistExample, rowExample, tableDataset, useExample, type Example } from './examples.ts';
import { fmt, inputKind } from './helpers.ts';
import { Pixels } from './Pixels.tsx';
import { useTraining } from '../training/client.ts';

const RANGE = 1.5;

/** Picks the example the panels run, in the form the model's Input takes. */
export function ExamplePicker({ shape, draw = true }: { shape: number[]; draw?: boolean }) {
  const kind = inputKind(shape);
  const example = useExample((s) => s.example);
  const size = shape.reduce((a, b) => a * b, 1);
  const setExample = useExample((s) => s.setExample);
  // An example of another size (the graph changed) is dropped.
  useEffect(() => {
    if (example && example.values.length !== size) setExample(null);
  }, [example, size, setExample]);

  return (
    <div className="picker" data-testid="example-picker">
      {kind === 'image' && <ImagePicker draw={draw} />}
      {kind === 'point' && <PointPicker />}
      {kind === 'table' && <TablePicker size={size} />}
      {kind === 'other' && (
        <div className="picker__row">
          <button
            type="button"
            data-testid="pick-random"
            onClick={() =>
              setExample({
                values: Float32Array.from({ length: size }, () => Math.random()),
                source: `random input [${shape.join(', ')}]`,
                label: null,
                kind: 'fields',
              })
            }
          >
            Random input
          </button>
          <span className="muted">
            Inputs of shape [{shape.join(', ')}] take random values here.
          </span>
        </div>
      )}
      <div className="picker__current muted" data-testid="example-source">
        {example ? `Example: ${example.source}` : 'No example yet: pick one above.'}
      </div>
    </div>
  );
}

function ImagePicker({ draw }: { draw: boolean }) {
  const example = useExample((s) => s.example);
  const shownIndex = example?.kind === 'test' ? Number(/\d+/.exec(example.source)?.[0] ?? 0) : 0;
  const [index, setIndex] = useState(shownIndex);
  useEffect(() => setIndex(shownIndex), [shownIndex]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pick = async (i: number) => {
    setBusy(true);
    setError(null);
    try {
      const ex = await mnistExample(i);
      setIndex(Number(/\d+/.exec(ex.source)?.[0] ?? i));
      useExample.getState().setExample(ex);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="picker__image">
      {draw && <DrawPad />}
      <div className="picker__side">
        <div className="picker__label">
          {draw ? 'Or pick a test image' : 'A test image (or draw one in Try it)'}
        </div>
        <div className="picker__row">
          <input
            type="number"
            min={0}
            max={9999}
            value={index}
            data-testid="pick-test-index"
            aria-label="Test image number"
            onChange={(e) => setIndex(Math.max(0, Math.min(9999, Number(e.target.value) || 0)))}
          />
          <button type="button" data-testid="pick-test" disabled={busy} onClick={() => pick(index)}>
            Show
          </button>
          <button
            type="button"
            data-testid="pick-test-random"
            disabled={busy}
            onClick={() => pick(Math.floor(Math.random() * 10000))}
          >
            Random
          </button>
        </div>
        {error && <div className="terror">{error}</div>}
        {example && (
          <div className="picker__preview">
            <Pixels
              values={example.values}
              width={28}
              height={28}
              map="gray"
              size={draw ? 64 : 84}
              title="What the model sees (28×28)"
              testId="example-preview"
            />
            <span className="muted">what the model sees</span>
          </div>
        )}
      </div>
    </div>
  );
}

function PointPicker() {
  const example = useExample((s) => s.example);
  const boundary = useEditor((s) => s.project.training.dataset);
  const point = example?.kind === 'point' ? example.values : null;
  const grid = useTraining().boundary;
  const toSvg = (v: number) => ((v + RANGE) / (2 * RANGE)) * 200;
  return (
    <div className="picker__row">
      <svg
        className="plane"
        viewBox="0 0 200 200"
        width={200}
        height={200}
        data-testid="point-plane"
        role="img"
        aria-label={`Click a point of the ${boundary} plane`}
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          const x = ((e.clientX - r.left) / r.width) * 2 * RANGE - RANGE;
          const y = RANGE - ((e.clientY - r.top) / r.height) * 2 * RANGE;
          const values = Float32Array.of(Number(x.toFixed(3)), Number(y.toFixed(3)));
          useExample.getState().setExample({
            values,
            source: `point (${fmt(values[0]!)}, ${fmt(values[1]!)})`,
            label: null,
            kind: 'point',
          });
        }}
      >
        {grid && grid.range[0] === -RANGE && grid.range[1] === RANGE && (
          <foreignObject x={0} y={0} width={200} height={200}>
            <Pixels
              values={grid.values.map((v) => (v * 2 - 1) * 0.6)}
              width={grid.size}
              height={grid.size}
              map="div"
              size={200}
              title="The last run's decision boundary (blue: class 0, red: class 1)"
            />
          </foreignObject>
        )}
        {[-1, 0, 1].map((v) => (
          <g key={v} className={v === 0 ? 'plane__axis' : 'plane__grid'}>
            <line x1={toSvg(v)} x2={toSvg(v)} y1={0} y2={200} />
            <line y1={200 - toSvg(v)} y2={200 - toSvg(v)} x1={0} x2={200} />
          </g>
        ))}
        {point && (
          <circle
            cx={toSvg(point[0]!)}
            cy={200 - toSvg(point[1]!)}
            r={5}
            className="plane__point"
          />
        )}
      </svg>
      <span className="muted plane__hint">
        Click a point (x and y from −1.5 to 1.5)
        {grid ? ' over the last run’s decision boundary' : ''}.
      </span>
    </div>
  );
}

function TablePicker({ size }: { size: number }) {
  const settings = useEditor((s) => s.project.training);
  const example = useExample((s) => s.example);
  const [data, setData] = useState<Dataset | null>(null);
  const [row, setRow] = useState(0);
  const tableId =
    settings.dataset === 'penguins' || settings.dataset === 'cars' ? settings.dataset : null;
  useEffect(() => {
    let live = true;
    if (tableId) void tableDataset(tableId, settings.seed).then((d) => live && setData(d));
    else setData(null);
    return () => {
      live = false;
    };
  }, [tableId, settings.seed]);
  const names =
    data && data.featureNames.length === size
      ? data.featureNames
      : Array.from({ length: size }, (_, i) => `feature ${i + 1}`);
  const values = example?.values.length === size ? example.values : new Float32Array(size);
  const setField = (i: number, v: number) => {
    const next = Float32Array.from(values);
    next[i] = v;
    const ex: Example = {
      values: next,
      source: 'the values you entered',
      label: null,
      kind: 'fields',
    };
    useExample.getState().setExample(ex);
  };
  return (
    <div className="picker__table">
      {data && (
        <div className="picker__row">
          <span className="picker__label">Test row</span>
          <input
            type="number"
            min={0}
            value={row}
            data-testid="pick-row-index"
            aria-label="Test row number"
            onChange={(e) => setRow(Math.max(0, Number(e.target.value) || 0))}
          />
          <button
            type="button"
            data-testid="pick-row"
            onClick={() => useExample.getState().setExample(rowExample(data, row))}
          >
            Use row
          </button>
        </div>
      )}
      <div className="fields" data-testid="feature-fields">
        {names.map((name, i) => (
          <label key={name}>
            <span title={name}>{name}</span>
            <input
              type="number"
              step="any"
              value={Number(values[i]!.toFixed(4))}
              onChange={(e) => setField(i, Number(e.target.value) || 0)}
            />
          </label>
        ))}
      </div>
      <div className="muted">
        {data
          ? `Values as the model sees them: measurements standardised (0 = the mean), categories one-hot.`
          : 'Enter the model’s input values.'}
      </div>
    </div>
  );
}
