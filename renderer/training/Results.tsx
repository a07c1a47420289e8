import { useEffect, useRef } from 'react';
import type { BoundaryGrid } from '../../shared/training/protocol.ts';
import type { TrainingState } from './client.ts';

/** Decision boundary: class-1 probability as colour, with the training points on top. */
export function BoundaryPlot(props: {
  grid: BoundaryGrid;
  points?: { x: number[]; y: number[] } | undefined;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const px = 200;
    canvas.width = px;
    canvas.height = px;
    const { size, values, range } = props.grid;
    const cell = px / size;
    for (let r = 0; r < size; r++)
      for (let c = 0; c < size; c++) {
        const p = values[r * size + c] ?? 0.5;
        const a = Math.abs(p - 0.5) * 1.6;
        ctx.fillStyle = p > 0.5 ? `rgba(240,140,46,${a})` : `rgba(61,99,245,${a})`;
        ctx.fillRect(c * cell, r * cell, cell + 0.5, cell + 0.5);
      }
    const [lo, hi] = range;
    const pts = props.points;
    if (pts) {
      for (let i = 0; i < pts.y.length; i++) {
        const x = ((pts.x[2 * i]! - lo) / (hi - lo)) * px;
        const y = px - ((pts.x[2 * i + 1]! - lo) / (hi - lo)) * px;
        ctx.fillStyle = pts.y[i] === 1 ? '#c2410c' : '#1e3a8a';
        ctx.beginPath();
        ctx.arc(x, y, 2, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }, [props.grid, props.points]);
  return <canvas ref={ref} className="tboundary" data-testid="decision-boundary" />;
}

function Digit(props: { pixels: number[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(28, 28);
    props.pixels.forEach((v, i) => {
      img.data[4 * i] = 255 - v;
      img.data[4 * i + 1] = 255 - v;
      img.data[4 * i + 2] = 255 - v;
      img.data[4 * i + 3] = 255;
    });
    ctx.putImageData(img, 0, 0);
  }, [props.pixels]);
  return <canvas ref={ref} width={28} height={28} className="tdigit" />;
}

export function Results(props: { state: TrainingState }) {
  const r = props.state.results;
  if (!r) return null;
  const test = r.test;
  return (
    <div className="tresults" data-testid="training-results">
      <h4>Test set</h4>
      {test ? (
        <div data-testid="test-metrics">
          loss <strong className="mono">{test.loss.toFixed(4)}</strong>
          {test.acc !== null && (
            <>
              {' '}
              · accuracy <strong className="mono">{(test.acc * 100).toFixed(1)}%</strong>
            </>
          )}
          {test.mae !== null && (
            <>
              {' '}
              · mean abs. error <strong className="mono">{test.mae.toFixed(3)}</strong>
            </>
          )}
        </div>
      ) : (
        <div className="muted">This data set has no test split.</div>
      )}
      {test?.confusion && (
        <table className="tconfusion" data-testid="confusion-matrix">
          <caption className="tlegend" data-testid="confusion-legend">
            Confusion matrix: rows are the <strong>true</strong> class, columns the{' '}
            <strong>predicted</strong> class; the diagonal (green) is correct.
          </caption>
          <thead>
            <tr>
              <th rowSpan={2} scope="col" className="tconfusion__corner">
                true ↓
              </th>
              <th colSpan={r.classNames.length} scope="colgroup" className="tconfusion__axis">
                predicted →
              </th>
            </tr>
            <tr>
              {r.classNames.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {test.confusion.map((row, i) => {
              const total = row.reduce((a, b) => a + b, 0) || 1;
              return (
                <tr key={i}>
                  <th scope="row">{r.classNames[i]}</th>
                  {row.map((v, j) => (
                    <td
                      key={j}
                      style={{
                        background: `rgba(${i === j ? '22,144,90' : '217,58,58'},${(v / total) * 0.8})`,
                      }}
                    >
                      {v}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {r.samples && test && (
        <p className="tlegend" data-testid="prediction-legend">
          Test digits: <strong>predicted</strong> <span className="muted">(true)</span> under each;
          a red frame marks a wrong prediction.
        </p>
      )}
      {r.samples && test && (
        <div className="tgrid" data-testid="prediction-grid">
          {r.samples.pixels.map((pixels, i) => {
            const truth = r.samples!.labels[i]!;
            const pred = test.predictions[i];
            return (
              <div key={i} className={`tgrid__cell ${pred === truth ? '' : 'tgrid__cell--wrong'}`}>
                <Digit pixels={pixels} />
                <span>
                  <span title="predicted">{pred}</span>{' '}
                  <span className="muted" title="true">
                    ({truth})
                  </span>
                </span>
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
