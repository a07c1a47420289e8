import { useEffect, useRef } from 'react';
import { drawingToMnist, rgbaToInk } from './helpers.ts';
import { useExample } from './examples.ts';

/** The pad's drawing surface, in canvas pixels (7 per MNIST pixel). */
const SIDE = 196;
/** A thick brush, like a pen stroke in MNIST (≈ 2.5 of its 28 pixels). */
const BRUSH = 17;

/**
 * A 28×28 drawing pad: white ink on black with a round brush (mouse, pen or touch). Every stroke
 * (while drawing, throttled, and when it ends) becomes the current example, preprocessed like
 * MNIST (`drawingToMnist`).
 */
export function DrawPad() {
  const ref = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const lastSent = useRef(0);
  const drawing = useExample((s) => s.drawing);
  const isDrawn = useExample((s) => s.example?.kind === 'draw');

  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    ctx.fillStyle = 'black';
    ctx.fillRect(0, 0, SIDE, SIDE);
    if (drawing && isDrawn) {
      const img = new Image();
      img.onload = () => ctx.drawImage(img, 0, 0);
      img.src = drawing;
    }
    // Only on mount: the pad's own strokes are already on the canvas.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const send = () => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const ink = rgbaToInk(ctx.getImageData(0, 0, SIDE, SIDE).data);
    useExample.getState().setExample(
      {
        values: drawingToMnist(ink, SIDE, SIDE),
        source: 'your drawing',
        label: null,
        kind: 'draw',
      },
      canvas.toDataURL(),
    );
    lastSent.current = performance.now();
  };

  const point = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) / r.width) * SIDE,
      y: ((e.clientY - r.top) / r.height) * SIDE,
    };
  };
  const stroke = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.strokeStyle = 'white';
    ctx.lineWidth = BRUSH;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
  };

  const clear = () => {
    const ctx = ref.current?.getContext('2d');
    if (ctx) {
      ctx.fillStyle = 'black';
      ctx.fillRect(0, 0, SIDE, SIDE);
    }
    if (useExample.getState().example?.kind === 'draw') useExample.getState().setExample(null);
  };

  return (
    <div className="drawpad">
      <canvas
        ref={ref}
        width={SIDE}
        height={SIDE}
        className="drawpad__canvas"
        data-testid="draw-pad"
        aria-label="Drawing pad: draw a digit"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          const p = point(e);
          last.current = p;
          stroke(p, p);
        }}
        onPointerMove={(e) => {
          if (!last.current) return;
          const p = point(e);
          stroke(last.current, p);
          last.current = p;
          if (performance.now() - lastSent.current > 150) send();
        }}
        onPointerUp={() => {
          if (!last.current) return;
          last.current = null;
          send();
        }}
        onPointerCancel={() => (last.current = null)}
      />
      <button type="button" data-testid="draw-clear" onClick={clear}>
        Clear
      </button>
    </div>
  );
}
