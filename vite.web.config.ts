import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { dataFiles } from './vite.data-files.ts';
import { webSecurity } from './vite.security.ts';

/**
 * Serves and builds the renderer as a plain web page (`npm run web`, `npm run build:web`).
 * Cross-origin isolation (COOP/COEP) is on so that training can use SharedArrayBuffer later; the
 * Content-Security-Policy is the desktop app's (vite.security.ts, from electron/security/csp.ts).
 */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [webSecurity(), react(), dataFiles(isolation)],
  base: './',
  server: { headers: isolation },
  // Pre-bundled at start so that a first page load never triggers a re-optimise-and-reload.
  optimizeDeps: {
    include: [
      'react',
      'react/jsx-runtime',
      'react/jsx-dev-runtime',
      'react-dom/client',
      '@xyflow/react',
      'zustand',
      'zustand/vanilla',
      'zod',
      'elkjs/lib/elk.bundled.js',
      // Imported only by the training worker, which the start-up scan does not follow.
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgpu',
      // Imported lazily by the Try it panel (renderer/inside/inference.ts).
      'onnxruntime-web/webgpu',
    ],
  },
  preview: { headers: isolation },
  build: { outDir: 'dist-web', emptyOutDir: true, sourcemap: true },
});
