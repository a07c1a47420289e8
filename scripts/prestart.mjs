// `npm start`'s first step: this Node fits package.json's engines, and Electron's binary is there
// (electron fetches it on first use; where that download is impossible, say so in one line instead
// of a stack trace). Plain JavaScript that old Node versions can parse.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NODE_FIX, nodeProblem } from './node-version.mjs';

const ELECTRON = fileURLToPath(new URL('../node_modules/electron/', import.meta.url));

function electronInstalled() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return true;
  const pathFile = ELECTRON + 'path.txt';
  if (!existsSync(pathFile)) return false;
  return existsSync(ELECTRON + 'dist/' + readFileSync(pathFile, 'utf8').trim());
}

function main() {
  const problem = nodeProblem();
  if (problem) {
    console.error('npm start: ' + problem + '; run ' + NODE_FIX + '.');
    return 1;
  }
  if (!existsSync(ELECTRON + 'package.json')) {
    console.error('npm start: Electron is not installed; run npm install first.');
    return 1;
  }
  if (electronInstalled()) return 0;
  const version = JSON.parse(readFileSync(ELECTRON + 'package.json', 'utf8')).version;
  console.log('npm start: downloading the Electron ' + version + ' binary (once)...');
  const r = spawnSync(process.execPath, [ELECTRON + 'install.js'], {
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: 15 * 60 * 1000,
  });
  if (r.status === 0 && electronInstalled()) return 0;
  const why = r.error
    ? r.error.message
    : String(r.stderr || 'exit ' + r.status)
        .trim()
        .split('\n')[0];
  console.error(
    'npm start: the Electron ' +
      version +
      ' binary is not installed and could not be downloaded (' +
      why +
      '); "npm run web" serves the same app in a browser at http://localhost:5173.',
  );
  return 1;
}

process.exitCode = main();
