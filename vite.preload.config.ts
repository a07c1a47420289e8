import { defineConfig, type UserConfig } from 'vite';

/**
 * Preload bundle, `.vite/build/preload.cjs`: a sandboxed preload must be a single CommonJS file
 * (Forge's Vite plugin sets this up); standalone, this file does the same for a smoke build.
 */
export default defineConfig((env) => {
  const config: UserConfig = { build: { sourcemap: 'inline' } };
  if ('forgeConfig' in env) return config;
  return {
    build: {
      ...config.build,
      outDir: '.vite/build',
      emptyOutDir: false,
      minify: false,
      copyPublicDir: false,
      rollupOptions: {
        external: ['electron', 'electron/renderer'],
        input: 'electron/preload.ts',
        output: {
          format: 'cjs',
          entryFileNames: '[name].cjs',
          chunkFileNames: '[name].cjs',
          assetFileNames: '[name].[ext]',
          inlineDynamicImports: true,
        },
      },
    },
    clearScreen: false,
  };
});
