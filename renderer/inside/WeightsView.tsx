import { useEffect, useMemo, useState } from 'react';
import type { WeightHistogram } from '../../shared/tfjs/inspect.ts';
import { watchWeights, type WeightsWatch } from '../../shared/tfjs/watch.ts';
import { useTraining } from '../training/client.ts';
import { fmt } from './helpers.ts';
import { currentModel, loadTf, type InferenceState } from './inference.ts';
import { Pixels } from './Pixels.tsx';

/** Histograms of the UI-thread model's weights (the project's), for when nothing is training. */
function useModelWatch(inf: InferenceState): WeightsWatch | null {
  const [watch, setWatch] = useState<WeightsWatch | null>(null);
  useEffect(() => {
    let live = true;
    const m = currentModel();
    if (!m || inf.status !== 'ready') return;
    void loadTf()
      .then((tf) => watchWeights(tf, m.model))
      .then((w) => live && setWatch(w));
    return () => {
      live = false;
    };
  }, [inf.status, inf.version]);
  return watch;
}

/**
 * "Watch the weights": a histogram per weight tensor, live from the training worker while a run
 * goes on (else the project's weights), and the first Dense layer's units as 28×28 images.
 */
export function WeightsView({ inf }: { inf: InferenceState }) {
  const t = useTraining();
  const fromModel = useModelWatch(inf);
  const live = t.watch;
  const watch = live?.watch ?? fromModel;
  const running = t.status === 'training' || t.status === 'paused';
  const source = live
    ? `${running ? 'live from training' : 'from the last run'}: epoch ${live.epoch}${live.batch ? `, batch ${live.batch + 1}` : ''}`
    : inf.trained
      ? "the project's trained weights"
      : 'fresh, untrained weights';
  return (
    <section
      className="isection"
      data-testid="weights-view"
      data-seq={live?.seq ?? 0}
      data-source={live ? 'training' : 'project'}
    >
      <h3>Watch the weights</h3>
      <div className="muted" data-testid="weights-source">
        {source}
      </div>
      {watch?.firstDense && <FirstLayer images={watch.firstDense} />}
      {watch && (
        <div className="hists" data-testid="weight-histograms">
          {watch.histograms.map((h) => (
            <Histogram key={h.name} h={h} />
          ))}
        </div>
      )}
      {!watch && <div className="muted">Building the model…</div>}
    </section>
  );
}

function Histogram({ h }: { h: WeightHistogram }) {
  const peak = Math.max(1, ...h.counts);
  const n = h.counts.length;
  return (
    <figure
      className="hist"
      data-testid="histogram"
      data-name={h.name}
      data-counts={h.counts.join(',')}
    >
      <figcaption>
        <span className="mono">{h.name}</span>
        <span className="muted">
          mean {fmt(h.mean)} · std {fmt(h.std)}
        </span>
      </figcaption>
      {h.max > h.min ? (
        <svg viewBox={`0 0 ${n} 30`} preserveAspectRatio="none" className="hist__svg" aria-hidden>
          {h.counts.map((c, i) => {
            const height = (c / peak) * 30;
            return <rect key={i} x={i + 0.08} width={0.84} y={30 - height} height={height} />;
          })}
        </svg>
      ) : (
        <div className="hist__flat muted">all {fmt(h.min)}</div>
      )}
      <div className="hist__axis mono muted">
        <span>{fmt(h.min)}</span>
        <span>{fmt(h.max)}</span>
      </div>
    </figure>
  );
}

function FirstLayer({ images }: { images: NonNullable<WeightsWatch['firstDense']> }) {
  const units = useMemo(() => {
    let scale = 1e-9;
    for (const v of images.values) scale = Math.max(scale, Math.abs(v));
    return Array.from({ length: images.units }, (_, u) => {
      const img = new Float32Array(784);
      for (let i = 0; i < 784; i++) img[i] = images.values[u * 784 + i]! / scale;
      return img;
    });
  }, [images]);
  return (
    <div className="units" data-testid="first-layer-images" data-units={images.units}>
      <div className="units__title">
        <span className="mono">{images.layer}</span>: the weights into its first {images.units} of{' '}
        {images.totalUnits} units, as 28×28 images
      </div>
      <div className="units__grid">
        {units.map((img, u) => (
          <Pixels
            key={u}
            values={img}
            width={28}
            height={28}
            map="div"
            size={40}
            title={`unit ${u + 1}`}
          />
        ))}
      </div>
      <div className="units__legend muted">
        <span className="units__swatch units__swatch--neg" /> negative
        <span className="units__swatch units__swatch--zero" /> 0
        <span className="units__swatch units__swatch--pos" /> positive
      </div>
    </div>
  );
}
