import { builtinModules } from 'node:module';
import { defineConfig, type UserConfig } from 'vite';

/**
 * Main process bundle, `.vite/build/main.js` (package.json "main"): ES module, since the package
 * is `"type": "module"` (Electron >= 28 loads an ESM main). Under Electron Forge its Vite plugin
 * adds the rest (outDir, externals, MAIN_WINDOW_VITE_* defines); run standalone
 * (`vite build --config vite.main.config.ts`) this file supplies them for a smoke build.
 */
export default defineConfig((env) => {
  const underForge = 'forgeConfig' in env;
  const config: UserConfig = {
    build: {
      lib: { entry: 'electron/main.ts', formats: ['es'], fileName: () => 'main.js' },
      sourcemap: true,
      target: 'node22',
    },
  };
  if (underForge) return config;
  return {
    ...config,
    build: {
      ...config.build,
      outDir: '.vite/build',
      emptyOutDir: false,
      minify: false,
      copyPublicDir: false,
      rollupOptions: {
        external: [
          'electron',
          'electron/main',
          'electron/common',
          ...builtinModules.flatMap((m) => [m, `node:${m}`]),
        ],
      },
    },
    resolve: { conditions: ['node'], mainFields: ['module', 'jsnext:main', 'jsnext'] },
    define: { MAIN_WINDOW_VITE_NAME: JSON.stringify('main_window') },
    clearScreen: false,
  };
});
