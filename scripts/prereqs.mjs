// Fast prerequisites check, the first step of `npm test` (about a second): Node.js, the npm
// packages, Chromium for the end-to-end tests, Python 3 with numpy/onnx/torch/pandas for the
// generated-code tests, and (optional) a WebGPU adapter for the WebGPU-in-Node tests (Dawn, the
// `webgpu` npm package; on Linux it needs a Vulkan driver such as Mesa's lavapipe).
//
// Something required missing: one line per missing piece, then the one command that installs
// them all (scripts/install-prereqs.sh, the script .ci/run uses), and exit 1 before any test runs.
// Optional pieces missing: a "skipped" line; their tests skip and vitest counts them. Under
// CI=true nothing is optional.
//
// Plain JavaScript that old Node versions can parse, so they get these messages too.
//
//   node scripts/prereqs.mjs                  the check
//   node scripts/prereqs.mjs --probe-webgpu   prints {"adapter": "..."} or {"error": "..."} (one line)
//
// Overrides: CHROMIUM_PATH (default /usr/bin/chromium), NETWRIGHT_PYTHON (default /usr/bin/python3).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeProblem } from './node-version.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

/** The one install path for the system packages, shared with .ci/run and the README. */
export const INSTALL_SCRIPT = 'scripts/install-prereqs.sh';
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const DEFAULT_PYTHON = '/usr/bin/python3';
/** Python modules the generated-code tests import, with their Debian packages. */
export const PYTHON_MODULES = [
  ['numpy', 'python3-numpy'],
  ['onnx', 'python3-onnx'],
  ['torch', 'python3-torch'],
  ['pandas', 'python3-pandas'],
];

/** True when CI is set to anything but "", "0" or "false". */
export function isCI(env) {
  const v = (env || process.env).CI;
  return !!v && v !== '0' && v !== 'false';
}

function isExecutableFile(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function firstLine(text) {
  return String(text || '')
    .trim()
    .split('\n')[0];
}

// Each check: { name, ok, detail, optional?, fix: 'node' | 'system' | 'npm' }.
function checkNode() {
  const problem = nodeProblem();
  return problem
    ? { name: 'Node.js', ok: false, detail: problem.replace(/^Node\.js /, ''), fix: 'node' }
    : { name: 'Node.js', ok: true, detail: process.versions.node };
}

function checkNpmPackages() {
  const ok = existsSync(ROOT + 'node_modules/vitest/package.json');
  return ok
    ? { name: 'npm packages', ok: true, detail: 'installed' }
    : { name: 'npm packages', ok: false, detail: 'node_modules is missing', fix: 'npm' };
}

function checkChromium() {
  const set = process.env.CHROMIUM_PATH;
  const path = set || DEFAULT_CHROMIUM;
  if (isExecutableFile(path)) return { name: 'Chromium', ok: true, detail: path };
  return {
    name: 'Chromium (end-to-end tests)',
    ok: false,
    detail: set
      ? 'CHROMIUM_PATH=' + set + ' is not an executable file'
      : path + ' not found (Debian: chromium; or set CHROMIUM_PATH)',
    fix: 'system',
  };
}

function checkPython() {
  const set = process.env.NETWRIGHT_PYTHON;
  const path = set || DEFAULT_PYTHON;
  const where = set ? 'NETWRIGHT_PYTHON=' + set : path;
  if (!isExecutableFile(path)) {
    return [
      {
        name: 'Python 3 (generated-code tests)',
        ok: false,
        detail: where + ' not found (Debian: python3; or set NETWRIGHT_PYTHON)',
        fix: 'system',
      },
    ];
  }
  const names = PYTHON_MODULES.map((m) => m[0]);
  // find_spec looks a module up without importing it: torch takes seconds to import.
  const code =
    'import sys, importlib.util as u\n' +
    'print(" ".join(m for m in sys.argv[1:] if u.find_spec(m) is None))';
  const r = spawnSync(path, ['-c', code].concat(names), { encoding: 'utf8', timeout: 30000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : firstLine(r.stderr) || 'exit ' + r.status;
    return [
      {
        name: 'Python 3 (generated-code tests)',
        ok: false,
        detail: where + ' does not run: ' + why,
        fix: 'system',
      },
    ];
  }
  const missing = r.stdout.trim().split(/\s+/).filter(Boolean);
  if (!missing.length)
    return [{ name: 'Python', ok: true, detail: path + ' (' + names.join(', ') + ')' }];
  return PYTHON_MODULES.filter((m) => missing.indexOf(m[0]) >= 0).map((m) => ({
    name: 'Python module ' + m[0],
    ok: false,
    detail: 'not importable by ' + where + ' (Debian: ' + m[1] + ')',
    fix: 'system',
  }));
}

/** Runs the WebGPU probe in a child process (Dawn may crash or hang); returns the adapter or an error. */
export function probeWebGPU() {
  const r = spawnSync(process.execPath, [SELF, '--probe-webgpu'], {
    encoding: 'utf8',
    timeout: 60000,
    cwd: ROOT,
  });
  const line = String(r.stdout || '')
    .split('\n')
    .filter((l) => l.indexOf('{') === 0)
    .pop();
  if (line) return JSON.parse(line);
  return {
    error: r.error ? r.error.message : firstLine(r.stderr) || 'the probe exited ' + r.status,
  };
}

function checkWebGPU(ci) {
  const probe = probeWebGPU();
  if (probe.adapter) return { name: 'WebGPU adapter', ok: true, detail: probe.adapter };
  return {
    name: 'WebGPU adapter for Node (WebGPU-in-Node tests)',
    ok: false,
    optional: !ci,
    detail:
      probe.error ||
      'Dawn (npm package webgpu) found no adapter: no Vulkan driver (Debian: mesa-vulkan-drivers)',
    fix: probe.error && /Cannot find (package|module)/.test(probe.error) ? 'npm' : 'system',
  };
}

/** Every check's result, in order. */
export function runChecks(ci) {
  return [checkNode(), checkNpmPackages(), checkChromium()]
    .concat(checkPython())
    .concat([checkWebGPU(ci)]);
}

/** The one command that installs every missing piece (null when nothing is to be installed). */
export function installCommand(results) {
  const fixes = results.filter((r) => !r.ok).map((r) => r.fix);
  const parts = [];
  if (fixes.indexOf('node') >= 0) parts.push('source .ci/ensure-node.sh');
  if (fixes.indexOf('system') >= 0) parts.push(INSTALL_SCRIPT);
  if (fixes.indexOf('npm') >= 0) parts.push('npm install');
  return parts.length ? parts.join(' && ') : null;
}

function main() {
  const ci = isCI();
  const results = runChecks(ci);
  const missing = results.filter((r) => !r.ok && !r.optional);
  const skipped = results.filter((r) => !r.ok && r.optional);
  const ok = results.filter((r) => r.ok);
  console.log('prerequisites ok: ' + ok.map((r) => r.name + ' ' + r.detail).join('; '));
  for (const r of skipped) {
    console.log('  skipped (optional): ' + r.name + ': ' + r.detail + '; its tests are skipped');
  }
  if (skipped.length && !missing.length) {
    console.log(
      '  ' +
        skipped.length +
        ' optional prerequisite(s) missing; to install: ' +
        installCommand(skipped),
    );
  }
  if (!missing.length) return 0;
  console.error(
    'netwright: ' +
      missing.length +
      ' prerequisite(s) missing; npm test runs nothing without them:',
  );
  for (const r of missing) console.error('  missing: ' + r.name + ': ' + r.detail);
  const command = installCommand(missing);
  console.error('Install them all with:');
  console.error('  ' + command);
  if (process.platform !== 'linux') {
    console.error(
      "  (on macOS and Windows that script lists what to install: see README's Quick start)",
    );
  }
  return 1;
}

async function probeMain() {
  try {
    const webgpu = await import('webgpu');
    Object.assign(globalThis, webgpu.globals);
    const gpu = webgpu.create([]);
    const adapter = await gpu.requestAdapter();
    const info = adapter && adapter.info;
    const name = info ? info.description || info.device || info.vendor || 'adapter' : 'adapter';
    console.log(JSON.stringify(adapter ? { adapter: name } : { adapter: null }));
  } catch (e) {
    console.log(JSON.stringify({ error: firstLine(e && e.message ? e.message : e) }));
  }
  process.exit(0);
}

if (process.argv[1] && SELF === realpathSync(process.argv[1])) {
  if (process.argv.indexOf('--probe-webgpu') >= 0) probeMain();
  else process.exitCode = main();
}
