#!/usr/bin/env node
// Runs the TypeScript CLI directly (Node's type stripping, no build step) when this Node fits
// package.json "engines.node" (checked by scripts/node-version.mjs). Plain JavaScript that old
// Node versions can parse, so they print what to do instead of a syntax error.
import { NODE_FIX, nodeProblem } from '../scripts/node-version.mjs';

const problem = nodeProblem();
if (problem) {
  console.error('netwright: ' + problem + '; run ' + NODE_FIX);
  process.exit(2);
}
// Last resort: whatever escapes the commands is one line on stderr and exit 1, never a stack trace.
const lastResort = (e) => {
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`netwright: internal error: ${message.split('\n')[0].slice(0, 300)}\n`);
  process.exit(1);
};
process.on('uncaughtException', lastResort);
process.on('unhandledRejection', lastResort);
try {
  const { main, lastResortMessage } = await import('./main.ts');
  process.exitCode = await main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${lastResortMessage(e)}\n`);
    return 1;
  });
} catch (e) {
  lastResort(e);
}
