import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DialogPort, FilesDeps } from '../../electron/ipc/handlers/files.ts';
import { createRecentStore, PathGrants } from '../../electron/ipc/handlers/recent.ts';
import { APP_ORIGIN, type SenderInfo } from '../../electron/security/origin.ts';

export const APP_SENDER: SenderInfo = { url: `${APP_ORIGIN}/index.html`, isMainFrame: true };
export const FOREIGN_SENDER: SenderInfo = { url: 'https://evil.example/', isMainFrame: true };
export const TRUSTED = {};

export const MNIST_MLP_TEXT = readFileSync(
  fileURLToPath(new URL('../../shared/templates/mnist-mlp.json', import.meta.url)),
  'utf8',
);

export function projectText(name: string): string {
  const doc = JSON.parse(MNIST_MLP_TEXT) as { name: string };
  doc.name = name;
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'netwright-electron-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Dialogs that answer with queued paths (null = the user canceled). */
export function scriptedDialogs(): DialogPort & {
  openAnswers: (string | null)[];
  saveAnswers: (string | null)[];
  saveCalls: { defaultPath: string }[];
} {
  const openAnswers: (string | null)[] = [];
  const saveAnswers: (string | null)[] = [];
  const saveCalls: { defaultPath: string }[] = [];
  return {
    openAnswers,
    saveAnswers,
    saveCalls,
    showOpen: async () => openAnswers.shift() ?? null,
    showSave: async (options) => {
      saveCalls.push({ defaultPath: options.defaultPath });
      return saveAnswers.shift() ?? null;
    },
  };
}

export function filesDeps(dir: string, overrides: Partial<FilesDeps> = {}) {
  const dialogs = scriptedDialogs();
  const deps: FilesDeps = {
    dialogs,
    recent: createRecentStore(join(dir, 'userData', 'recent-projects.json')),
    grants: new PathGrants(),
    defaultFolder: () => dir,
    ...overrides,
  };
  return { deps, dialogs };
}

export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}
