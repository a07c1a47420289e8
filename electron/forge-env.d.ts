// Globals that Electron Forge's Vite plugin defines at build time for the renderer named
// `main_window` in forge.config.ts (see @electron-forge/plugin-vite/forge-vite-env.d.ts).
// The dev server URL is only defined during `electron-forge start`.
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;
