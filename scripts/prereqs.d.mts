/** Types for scripts/prereqs.mjs (plain JavaScript so that old Node versions can run it). */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  optional?: boolean;
  fix?: 'node' | 'system' | 'npm';
}
export const INSTALL_SCRIPT: string;
export const DEFAULT_CHROMIUM: string;
export const DEFAULT_PYTHON: string;
export const PYTHON_MODULES: [module: string, debianPackage: string][];
export function isCI(env?: NodeJS.ProcessEnv): boolean;
export function probeWebGPU(): { adapter?: string | null; error?: string };
export function runChecks(ci: boolean): CheckResult[];
export function installCommand(results: CheckResult[]): string | null;
