/**
 * Pictures for slides: the graph as SVG or as a PNG at 2×, and the training curves as one PNG.
 * Everything leaves through the platform adapter's exportFile.
 */
import { graphToSvg } from '../../shared/pictures/graph-svg.ts';
import { pngSizeForSvg } from '../../shared/pictures/png-size.ts';
import { platform } from '../platform/index.ts';
import { analysisNow, editorStore } from '../store/index.ts';

/** "MNIST MLP" → "MNIST MLP-graph.svg"; only characters that are safe in file names. */
export function pictureFileName(projectName: string, what: string, ext: 'svg' | 'png'): string {
  const base = projectName.replace(/[^\w.\- ]+/g, '').trim() || 'netwright';
  return `${base}-${what}.${ext}`;
}

function currentSvg(): { svg: string; name: string } {
  const { project } = editorStore.getState();
  return {
    svg: graphToSvg(project.graph, analysisNow(project.graph), project.name, project.training.loss),
    name: project.name,
  };
}

async function canvasToPng(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The picture could not be encoded as PNG');
  return new Uint8Array(await blob.arrayBuffer());
}

/** Draws SVG text on a canvas at `scale` × its own size. */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  // Refused before any image or canvas is made: a huge canvas hangs or fails silently.
  const size = pngSizeForSvg(svg, scale);
  if (!size.ok) throw new Error(size.error);
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'async';
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('The graph picture could not be drawn'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('No 2-D canvas to draw the picture on');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await canvasToPng(canvas);
  } finally {
    URL.revokeObjectURL(url);
  }
}

async function save(run: () => Promise<{ name: string; data: string | Uint8Array }>) {
  const store = editorStore.getState();
  try {
    const { name, data } = await run();
    const ext = name.slice(name.lastIndexOf('.') + 1);
    const result = await platform.exportFile(name, data, [
      { name: ext === 'svg' ? 'SVG image' : 'PNG image', extensions: [ext] },
    ]);
    if (result.saved) store.notify(`Exported ${result.location ?? name}`);
  } catch (e) {
    store.notify(
      `Could not export the picture: ${e instanceof Error ? e.message : String(e)}`,
      'error',
    );
  }
}

export const exportGraphSvg = () =>
  save(async () => {
    const { svg, name } = currentSvg();
    return { name: pictureFileName(name, 'graph', 'svg'), data: svg };
  });

export const exportGraphPng = () =>
  save(async () => {
    const { svg, name } = currentSvg();
    return { name: pictureFileName(name, 'graph', 'png'), data: await svgToPng(svg, 2) };
  });

/**
 * The Training panel's charts (canvases under `root`, each in a `.tchart` with its title and
 * legend) stacked into one PNG on white, at the canvases' own resolution.
 */
export async function curvesToPng(root: ParentNode): Promise<Uint8Array> {
  const charts = [...root.querySelectorAll<HTMLElement>('.tchart')]
    .map((el) => ({
      canvas: el.querySelector('canvas'),
      title: el.querySelector('.tchart__head strong')?.textContent ?? '',
      keys: [...el.querySelectorAll<HTMLElement>('.tchart__key')].map((k) => ({
        text: k.textContent ?? '',
        color: k.style.color || '#1c2433',
      })),
    }))
    .filter((c): c is typeof c & { canvas: HTMLCanvasElement } => c.canvas !== null);
  if (charts.length === 0) throw new Error('No training curves to export yet');
  const scale = Math.max(1, charts[0]!.canvas.width / (charts[0]!.canvas.clientWidth || 1));
  const pad = 12 * scale;
  const head = 22 * scale;
  const width = Math.max(...charts.map((c) => c.canvas.width)) + 2 * pad;
  const height = charts.reduce((h, c) => h + head + c.canvas.height + pad, pad);
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('No 2-D canvas to draw the picture on');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.textBaseline = 'middle';
  let y = pad;
  for (const c of charts) {
    let x = pad;
    ctx.font = `600 ${13 * scale}px system-ui, sans-serif`;
    ctx.fillStyle = '#1c2433';
    ctx.fillText(c.title, x, y + head / 2);
    x += ctx.measureText(c.title).width + 12 * scale;
    ctx.font = `${12 * scale}px system-ui, sans-serif`;
    for (const k of c.keys) {
      ctx.fillStyle = k.color;
      ctx.fillText(k.text, x, y + head / 2);
      x += ctx.measureText(k.text).width + 10 * scale;
    }
    y += head;
    ctx.drawImage(c.canvas, pad, y);
    y += c.canvas.height + pad;
  }
  return canvasToPng(out);
}

/** Exports the charts under `root` (the Training panel) as one PNG. */
export const exportCurvesPng = (root: ParentNode) =>
  save(async () => ({
    name: pictureFileName(editorStore.getState().project.name, 'training', 'png'),
    data: await curvesToPng(root),
  }));
