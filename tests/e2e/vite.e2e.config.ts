import { mergeConfig } from 'vite';
import web from '../../vite.web.config.ts';

/**
 * The e2e tests' dev server: `npm run web`'s config without the file watcher and the HMR
 * WebSocket, so that files edited while a test runs never reload the page under it.
 */
export default mergeConfig(web, {
  server: { hmr: false, ws: false, watch: null },
  // VITE_CACHE_DIR: a dependency cache of its own, for worktrees whose node_modules (and so
  // node_modules/.vite) is shared with other dev servers that re-optimise it under this one.
  ...(process.env.VITE_CACHE_DIR ? { cacheDir: process.env.VITE_CACHE_DIR } : {}),
});
