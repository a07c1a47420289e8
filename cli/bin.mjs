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
import('./main.ts')
  .then((cli) => cli.main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  });
