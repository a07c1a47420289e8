/**
 * forge.config.ts loads, has the makers, the Vite plugin entries and the secure fuses; the Vite
 * configs resolve through Forge's own config generator, and main + preload build as Forge would
 * build them (into a temp folder), without the Electron binary.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { build, type InlineConfig } from 'vite';
import { FuseV1Options } from '@electron/fuses';
import config from '../../forge.config.ts';

const root = resolve(import.meta.dirname, '..', '..');

interface PluginLike {
  name: string;
  config: Record<string, unknown>;
}

const plugins = (config.plugins ?? []) as unknown as PluginLike[];
const vitePlugin = plugins.find((p) => p.name === 'vite')!;
const fusesPlugin = plugins.find((p) => p.name === 'fuses')!;

describe('forge.config.ts', () => {
  it('has makers for zip (all platforms), deb, squirrel and dmg', () => {
    const makers = (config.makers ?? []) as unknown as { name: string; platforms?: string[] }[];
    expect(makers.map((m) => m.name).sort()).toEqual(['deb', 'dmg', 'squirrel', 'zip']);
    const zip = makers.find((m) => m.name === 'zip')!;
    expect(zip.platforms).toEqual(['darwin', 'linux', 'win32']);
    expect(config.packagerConfig).toMatchObject({ asar: true, name: 'Netwright' });
  });

  it('points every maker at an icon file that exists and has its format', async () => {
    const makers = (config.makers ?? []) as unknown as {
      name: string;
      configOrConfigFetcher: Record<string, unknown> & { options?: Record<string, unknown> };
    }[];
    const icon = (config.packagerConfig as { icon: string }).icon;
    const files: [string, string][] = [
      [`${icon}.png`, '\x89PNG'],
      [`${icon}.ico`, '\x00\x00\x01\x00'],
      [`${icon}.icns`, 'icns'],
      [
        makers.find((m) => m.name === 'deb')!.configOrConfigFetcher.options!.icon as string,
        '\x89PNG',
      ],
      [
        makers.find((m) => m.name === 'squirrel')!.configOrConfigFetcher.setupIcon as string,
        '\x00\x00\x01\x00',
      ],
      [makers.find((m) => m.name === 'dmg')!.configOrConfigFetcher.icon as string, 'icns'],
    ];
    for (const [file, magic] of files) {
      const bytes = await readFile(join(root, file));
      expect(bytes.subarray(0, magic.length).toString('latin1'), file).toBe(magic);
    }
  });

  it('builds main and preload with Vite and names the renderer main_window', () => {
    expect(vitePlugin.config).toMatchObject({
      build: [
        { entry: 'electron/main.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
    });
  });

  it('sets the secure fuses', () => {
    expect(fusesPlugin.config).toMatchObject({
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    });
  });
});

describe('Vite configs as Forge resolves them', () => {
  const outDirs: string[] = [];
  afterAll(async () => {
    for (const dir of outDirs) await rm(dir, { recursive: true, force: true });
  });

  async function generator() {
    // Forge's own config generator (not in the package's exports map, so by path).
    const file = join(root, 'node_modules/@electron-forge/plugin-vite/dist/ViteConfig.js');
    const { default: ViteConfigGenerator } = (await import(pathToFileURL(file).href)) as {
      default: new (
        config: unknown,
        projectDir: string,
        isProd: boolean,
      ) => {
        getBuildConfigs(): Promise<InlineConfig[]>;
        getRendererConfig(): Promise<InlineConfig[]>;
      };
    };
    return new ViteConfigGenerator(vitePlugin.config, root, true);
  }

  it('main builds to main.js (package.json "main") as an ES module; preload to preload.cjs', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      main: string;
      type: string;
    };
    expect(pkg.main).toBe('.vite/build/main.js');
    expect(pkg.type).toBe('module');
    const [mainConfig, preloadConfig] = await (await generator()).getBuildConfigs();
    const outDir = await mkdtemp(join(tmpdir(), 'netwright-forge-build-'));
    outDirs.push(outDir);
    for (const c of [mainConfig!, preloadConfig!]) {
      await build({ ...c, configFile: false, logLevel: 'error', build: { ...c.build, outDir } });
    }
    const main = await readFile(join(outDir, 'main.js'), 'utf8');
    expect(main).toMatch(/^import \{[^}]*\bBrowserWindow\b[^}]*\} from "electron";/m);
    // Forge's define replaced the renderer name; the dev server URL is undefined in production.
    expect(main).toContain('"main_window"');
    expect(main).not.toMatch(/\bMAIN_WINDOW_VITE_NAME\b/);
    const preload = await readFile(join(outDir, 'preload.cjs'), 'utf8');
    expect(preload).toMatch(/require\("electron"\)/);
    expect(preload).toContain('exposeInMainWorld');
    expect(preload).not.toMatch(/sendSync/);
    expect(preload).not.toMatch(/^import /m);
  });

  it('the renderer config reuses the web config and outputs to .vite/renderer/main_window', async () => {
    const [renderer] = await (await generator()).getRendererConfig();
    expect(renderer!.base).toBe('./');
    expect(renderer!.build?.outDir).toBe('.vite/renderer/main_window');
    const names = (renderer!.plugins ?? []).flat().map((p) => (p as { name?: string })?.name);
    expect(names).toContain('@electron-forge/plugin-vite:expose-renderer');
    expect(names.some((n) => n?.startsWith('vite:react'))).toBe(true);
  });
});
