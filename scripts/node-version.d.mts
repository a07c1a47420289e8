/** Types for scripts/node-version.mjs (plain JavaScript so that old Node versions can run it). */
export const NODE_FIX: string;
export function nodeRange(): string;
export function satisfies(version: string, range: string): boolean;
export function nodeProblem(): string | null;
