/**
 * Page of bench/training.bench.ts, served by Vite (tests/e2e/vite.e2e.config.ts, cross-origin
 * isolated) and driven by Playwright: `runBench(backend, batch, limit, threads, stock)` runs one
 * configuration in a fresh Web Worker (browser-worker.ts) and resolves with its numbers.
 */
function runBench(backend: string, batch: number, limit: number, threads: number, stock: boolean) {
  const worker = new Worker(new URL('./browser-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<unknown>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ result?: unknown; error?: string }>) => {
      worker.terminate();
      if (e.data.error) reject(new Error(e.data.error));
      else resolve(e.data.result);
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(e.message));
    };
    worker.postMessage([backend, batch, limit, threads, stock]);
  });
}

(window as unknown as { runBench: typeof runBench }).runBench = runBench;
document.title = 'ready';
