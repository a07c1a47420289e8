import type { ForgeConfig } from '@electron-forge/shared-types';
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerDMG } from '@electron-forge/maker-dmg';
import { MakerSquirrel } from '@electron-forge/maker-squirrel';
import { MakerZIP } from '@electron-forge/maker-zip';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { VitePlugin } from '@electron-forge/plugin-vite';
import { FuseV1Options, FuseVersion } from '@electron/fuses';

/**
 * Electron Forge: Vite builds main + preload (`.vite/build/main.js`, `preload.cjs`) and the
 * renderer `main_window` (`.vite/renderer/main_window/`); makers for every platform; fuses that
 * switch off what Netwright never needs (Electron's security checklist, "Fuses").
 * `npm start` = `electron-forge start`, `npm run make` = `electron-forge make`.
 */
const config: ForgeConfig = {
  packagerConfig: {
    name: 'Netwright',
    executableName: 'netwright',
    appBundleId: 'org.netwright.app',
    appCategoryType: 'public.app-category.developer-tools',
    // Required by the OnlyLoadAppFromAsar and asar-integrity fuses below.
    asar: true,
    // Packager adds .icns (macOS) or .ico (Windows); made from assets/icon.svg by make-icons.ts.
    icon: 'assets/icon',
  },
  rebuildConfig: {},
  makers: [
    new MakerZIP({}, ['darwin', 'linux', 'win32']),
    new MakerDeb({
      options: {
        name: 'netwright',
        productName: 'Netwright',
        genericName: 'Neural network editor',
        categories: ['Development', 'Education', 'Science'],
        section: 'devel',
        mimeType: ['application/x-netwright-project'],
        icon: 'assets/icon.png',
      },
    }),
    new MakerSquirrel({ name: 'netwright', setupIcon: 'assets/icon.ico' }),
    new MakerDMG({ icon: 'assets/icon.icns' }),
  ],
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/main.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
    }),
    new FusesPlugin({
      version: FuseVersion.V1,
      // The app binary cannot be used as a plain Node.js (ELECTRON_RUN_AS_NODE).
      [FuseV1Options.RunAsNode]: false,
      // Cookies and storage encrypted with the OS keychain.
      [FuseV1Options.EnableCookieEncryption]: true,
      // NODE_OPTIONS and --inspect cannot inject code into the app.
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      // The app code must come from the (integrity-checked) asar archive.
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      // The renderer is served over app://, so file:// needs no extra privileges.
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    }),
  ],
};

export default config;
