import { defineConfig, type UserConfig, type UserConfigExport } from 'vite';
import web from './vite.web.config.ts';

/**
 * Forge's renderer `main_window`: the same renderer as the web build (plugins, aliases, workers)
 * from vite.web.config.ts, with the web build's output folder dropped so Forge's
 * `.vite/renderer/main_window` applies (and `base: './'`, which the web config also uses).
 * Standalone, it builds into the same folder.
 */
export default defineConfig(async (env) => {
  const exported = web as UserConfigExport;
  const webConfig: UserConfig =
    typeof exported === 'function' ? await exported(env) : await exported;
  const { outDir: _outDir, emptyOutDir: _empty, ...build } = webConfig.build ?? {};
  const underForge = 'forgeConfig' in env;
  return {
    ...webConfig,
    build: underForge
      ? build
      : { ...build, outDir: '.vite/renderer/main_window', emptyOutDir: true },
  };
});
