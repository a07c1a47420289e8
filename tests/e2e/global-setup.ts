/**
 * One Vite server for the whole end-to-end run (vitest globalSetup): every e2e file reaches it
 * through `inject('webUrl')` (see `useE2E` in support.ts) instead of starting its own.
 */
import type { TestProject } from 'vitest/node';
import { startWebServer } from './support.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    webUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startWebServer();
  project.provide('webUrl', server.url);
  return () => server.close();
}
