/**
 * A fresh machine: the prerequisites check that starts `npm test`, the one Node requirement, and
 * the install script shared by the README and CI. The clean environments are temp copies of the
 * scripts with a temp HOME and a PATH holding only node.
 */
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { satisfies } from '../../scripts/node-version.mjs';
import { INSTALL_SCRIPT } from '../../scripts/prereqs.mjs';
import { hasVulkanAdapter } from '../support/prereqs.ts';

const ROOT = join(import.meta.dirname, '../..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  scripts: Record<string, string>;
  allowScripts: Record<string, boolean>;
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Run {
  const r = spawnSync(file, args, { env, cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temp project root: `files` copied from the repo, package.json's engines set to `engines`. */
function tempRoot(files: string[], engines: string): string {
  const root = mkdtempSync(join(tmpdir(), 'netwright-fresh-'));
  for (const file of files) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    copyFileSync(join(ROOT, file), join(root, file));
  }
  writeFileSync(join(root, 'package.json'), JSON.stringify({ ...pkg, engines: { node: engines } }));
  return root;
}

/** A container-like environment: temp HOME, PATH with only node on it. */
function cleanEnv(root: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const home = join(root, 'home');
  const bin = join(root, 'bin');
  mkdirSync(home, { recursive: true });
  mkdirSync(bin, { recursive: true });
  symlinkSync(process.execPath, join(bin, 'node'));
  return { HOME: home, PATH: bin, LANG: 'C.UTF-8', ...extra };
}

const SCRIPTS = readdirSync(join(ROOT, 'scripts')).map((f) => `scripts/${f}`);

describe('the Node requirement', () => {
  it('reads package.json engines: hand-checked versions in and out of the range', () => {
    const range = '^22.22.2 || ^24.15.0 || >=26.0.0';
    const inside = ['22.22.2', 'v22.23.5', '24.15.0', '24.20.1', '26.0.0', '30.1.2'];
    const outside = ['20.20.2', '22.18.0', '22.22.1', '23.11.0', '24.14.9', '25.9.0'];
    for (const v of inside) expect(satisfies(v, range), v).toBe(true);
    for (const v of outside) expect(satisfies(v, range), v).toBe(false);
    expect(satisfies('22.13.0', '22.13.0')).toBe(true);
    expect(() => satisfies('22.1.0', '~22.1.0')).toThrow(/unsupported range.*~22\.1\.0/);
  });

  it('is the least range every locked package accepts (npm semver decides)', () => {
    const semver = createRequire(import.meta.url)('semver') as {
      satisfies(v: string, r: string): boolean;
      minVersion(r: string): { version: string };
    };
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { engines?: { node?: string }; optional?: boolean }>;
    };
    const ranges = Object.entries(lock.packages)
      .filter(([path, p]) => path && !p.optional && typeof p.engines?.node === 'string')
      .map(([path, p]) => [path, p.engines!.node!] as const);
    const lowest = pkg.engines.node.split('||').map((alt) => semver.minVersion(alt).version);
    expect(lowest).toEqual(['22.22.2', '24.15.0', '26.0.0']);
    for (const v of lowest) {
      const refused = ranges.filter(([, r]) => !semver.satisfies(v, r)).map(([p]) => p);
      expect(refused, `Node ${v}`).toEqual([]);
    }
    // One patch lower, some package refuses: the range is no wider than it must be.
    for (const v of ['22.22.1', '24.14.0']) {
      expect(
        ranges.some(([, r]) => !semver.satisfies(v, r)),
        `Node ${v}`,
      ).toBe(true);
    }
  });

  it('is written nowhere else as a version number; the README states the same range', () => {
    for (const file of ['.ci/ensure-node.sh', 'cli/bin.mjs', ...SCRIPTS]) {
      expect(read(file), file).not.toMatch(/\b2\d\.\d+\.\d+\b|>= ?2\d\.\d+/);
    }
    expect(read('README.md')).toContain(`\`${pkg.engines.node}\``);
  });

  it('an unsupported Node: the CLI, npm install and npm start say what to do', () => {
    const root = tempRoot(['cli/bin.mjs', ...SCRIPTS], '>=99.0.0');
    const env = cleanEnv(root, {});
    const found = process.versions.node;

    const cli = run(process.execPath, ['cli/bin.mjs', 'summary', 'x.json'], env, root);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(`netwright: Node.js >=99.0.0 is required (found ${found})`);
    expect(cli.stderr).toContain('source .ci/ensure-node.sh');

    const install = run('/bin/sh', ['-c', pkg.scripts.preinstall!], env, root);
    expect(install.code).toBe(1);
    expect(install.stderr).toContain(`Node.js >=99.0.0 is required (found ${found})`);
    expect(install.stderr).toMatch(/source \.ci\/ensure-node\.sh.*then run npm install again/);

    expect(pkg.scripts.prestart).toBe('node scripts/prestart.mjs');
    const start = run(process.execPath, ['scripts/prestart.mjs'], env, root);
    expect(start.code).toBe(1);
    expect(start.stderr).toContain(`npm start: Node.js >=99.0.0 is required (found ${found})`);

    // .ci/ensure-node.sh asks the same script: this node is not good enough.
    const ok = run(process.execPath, ['scripts/node-version.mjs', '--quiet'], env, root);
    expect(ok.code).toBe(1);
    expect(read('.ci/ensure-node.sh')).toContain('scripts/node-version.mjs" --quiet');
  });
});

describe('npm start without Electron’s binary', () => {
  it('says in one line that it could not be downloaded, and exits 1', () => {
    const root = tempRoot(SCRIPTS, pkg.engines.node);
    const electron = join(root, 'node_modules/electron');
    mkdirSync(electron, { recursive: true });
    writeFileSync(join(electron, 'package.json'), JSON.stringify({ version: '45.5.0' }));
    // electron's own install.js where the download host cannot be reached.
    writeFileSync(
      join(electron, 'install.js'),
      "console.error('Error: getaddrinfo ENOTFOUND github.com\\n    at stack'); process.exit(1);",
    );
    const r = run(process.execPath, ['scripts/prestart.mjs'], cleanEnv(root, {}), root);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'npm start: the Electron 45.5.0 binary is not installed and could not be downloaded ' +
        '(Error: getaddrinfo ENOTFOUND github.com); "npm run web" serves the same app in a ' +
        'browser at http://localhost:5173.',
    ]);
  });

  it('goes on when the binary is there (path.txt names a file under dist/)', () => {
    const root = tempRoot(SCRIPTS, pkg.engines.node);
    const electron = join(root, 'node_modules/electron');
    mkdirSync(join(electron, 'dist'), { recursive: true });
    writeFileSync(join(electron, 'package.json'), JSON.stringify({ version: '45.5.0' }));
    writeFileSync(join(electron, 'path.txt'), 'electron');
    writeFileSync(join(electron, 'dist/electron'), '');
    const r = run(process.execPath, ['scripts/prestart.mjs'], cleanEnv(root, {}), root);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('npm test’s prerequisites check', () => {
  it('is the first step of npm test', () => {
    expect(pkg.scripts.test).toMatch(/^node scripts\/prereqs\.mjs && /);
  });

  it('in a clean environment names each missing piece, the one install command, and exits 1', () => {
    const root = tempRoot(SCRIPTS, '>=99.0.0');
    const env = cleanEnv(root, {
      CI: 'true',
      CHROMIUM_PATH: join(root, 'no-chromium'),
      NETWRIGHT_PYTHON: join(root, 'no-python3'),
    });
    const r = run(process.execPath, ['scripts/prereqs.mjs'], env, root);
    expect(r.code).toBe(1);
    const missing = r.stderr.split('\n').filter((l) => l.startsWith('  missing: '));
    expect(missing).toEqual([
      `  missing: Node.js: >=99.0.0 is required (found ${process.versions.node})`,
      '  missing: npm packages: node_modules is missing',
      `  missing: Chromium (end-to-end tests): CHROMIUM_PATH=${root}/no-chromium is not an executable file`,
      `  missing: Python 3 (generated-code tests): NETWRIGHT_PYTHON=${root}/no-python3 not found (Debian: python3; or set NETWRIGHT_PYTHON)`,
      expect.stringMatching(
        /^ {2}missing: WebGPU adapter for Node \(WebGPU-in-Node tests\): Cannot find package 'webgpu'/,
      ),
    ]);
    expect(r.stderr).toContain('netwright: 5 prerequisite(s) missing');
    expect(r.stderr).toContain(
      'Install them all with:\n  source .ci/ensure-node.sh && scripts/install-prereqs.sh && npm install\n',
    );
  });

  it('names each Python module a real interpreter lacks (python3 -S: no site-packages)', () => {
    const python = '/usr/bin/python3';
    accessSync(python, constants.X_OK); // the full environment has it (see the test below)
    const root = mkdtempSync(join(tmpdir(), 'netwright-fresh-'));
    const bare = join(root, 'python3-bare');
    writeFileSync(bare, `#!/bin/sh\nexec ${python} -S "$@"\n`);
    chmodSync(bare, 0o755);
    const env = cleanEnv(root, { NETWRIGHT_PYTHON: bare });
    const r = run(process.execPath, [join(ROOT, 'scripts/prereqs.mjs')], env, root);
    expect(r.code).toBe(1);
    const missing = r.stderr.split('\n').filter((l) => l.startsWith('  missing: '));
    expect(missing).toEqual(
      ['numpy', 'onnx', 'torch', 'pandas'].map(
        (m) =>
          `  missing: Python module ${m}: not importable by NETWRIGHT_PYTHON=${bare} (Debian: python3-${m})`,
      ),
    );
    expect(r.stderr).toContain('Install them all with:\n  scripts/install-prereqs.sh\n');
  });

  // VK_ICD_FILENAMES pointing nowhere hides every Vulkan driver from the loader (Linux only).
  it.runIf(process.platform === 'linux')(
    'without a Vulkan driver: the WebGPU tests skip (exit 0); under CI=true the check fails',
    () => {
      const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' };
      delete env.CI;
      const local = run(process.execPath, ['scripts/prereqs.mjs'], env, ROOT);
      expect(local.code).toBe(0);
      expect(local.stdout).toContain(
        '  skipped (optional): WebGPU adapter for Node (WebGPU-in-Node tests): Dawn (npm package ' +
          'webgpu) found no adapter: no Vulkan driver (Debian: mesa-vulkan-drivers); its tests are skipped\n' +
          '  1 optional prerequisite(s) missing; to install: scripts/install-prereqs.sh\n',
      );
      const ci = run(process.execPath, ['scripts/prereqs.mjs'], { ...env, CI: 'true' }, ROOT);
      expect(ci.code).toBe(1);
      expect(ci.stderr).toContain(
        '  missing: WebGPU adapter for Node (WebGPU-in-Node tests): Dawn',
      );
      expect(ci.stderr).toContain('Install them all with:\n  scripts/install-prereqs.sh\n');
    },
  );

  it('passes in the full environment, with nothing skipped under CI=true', () => {
    const r = run(process.execPath, ['scripts/prereqs.mjs'], { ...process.env, CI: 'true' }, ROOT);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^prerequisites ok: Node\.js \d+\.\d+\.\d+; npm packages installed; /);
    expect(r.stdout).toContain('Python /usr/bin/python3 (numpy, onnx, torch, pandas)');
    expect(r.stdout).toMatch(/WebGPU adapter \S/);
    expect(hasVulkanAdapter()).toBe(true);
  });
});

describe('tests that need an optional piece (tests/support/prereqs.ts)', () => {
  /** Runs the fixture suite in a child vitest; returns its JSON report's counts. */
  function runFixture(extra: Record<string, string>): {
    passed: number;
    skipped: number;
    failed: number;
    failures: string[];
    output: string;
  } {
    const dir = mkdtempSync(join(tmpdir(), 'netwright-fresh-'));
    const config = join(dir, 'vitest.config.mjs');
    const include = 'tests/support/fixtures/optional-suite.test.ts';
    writeFileSync(
      config,
      `export default { test: { root: ${JSON.stringify(ROOT)}, include: ['${include}'] } };`,
    );
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!k.startsWith('VITEST') && k !== 'CI' && k !== 'NODE_ENV') env[k] = v;
    }
    const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
    const out = join(dir, 'report.json');
    const args = [vitest, 'run', '--config', config, '--reporter=json', '--reporter=default'];
    const r = run(process.execPath, [...args, `--outputFile=${out}`], { ...env, ...extra }, ROOT);
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      numPassedTests: number;
      numPendingTests: number;
      numFailedTests: number;
      testResults: { assertionResults: { failureMessages: string[] }[] }[];
    };
    return {
      passed: report.numPassedTests,
      skipped: report.numPendingTests,
      failed: report.numFailedTests,
      failures: report.testResults.flatMap((t) =>
        t.assertionResults.flatMap((a) => a.failureMessages.map((m) => m.split('\n')[0]!)),
      ),
      output: r.stdout + r.stderr,
    };
  }

  it('runs the suite when nothing is missing', () => {
    expect(runFixture({})).toMatchObject({ passed: 2, skipped: 0, failed: 0 });
  });

  it('skips it visibly when the piece is missing: counted, and one line says why', () => {
    const r = runFixture({ FIXTURE_MISSING: 'no widget' });
    expect(r).toMatchObject({ passed: 0, skipped: 2, failed: 0 });
    expect(r.output).toContain(
      'skipped "needs a widget": no widget; install with scripts/install-prereqs.sh',
    );
    expect(r.output).toMatch(/Tests .*2 skipped/);
  });

  it('under CI=true fails instead of skipping, naming the missing piece', () => {
    const r = runFixture({ FIXTURE_MISSING: 'no widget', CI: 'true' });
    expect(r).toMatchObject({ passed: 0, skipped: 0, failed: 1 });
    expect(r.failures).toEqual(['Error: no widget; install with scripts/install-prereqs.sh']);
  });
});

describe('one install path', () => {
  it('.ci/run and the README use the same install script, and the check prints it', () => {
    expect(INSTALL_SCRIPT).toBe('scripts/install-prereqs.sh');
    accessSync(join(ROOT, INSTALL_SCRIPT), constants.X_OK);
    const ci = read('.ci/run');
    expect(ci).toMatch(/^bash scripts\/install-prereqs\.sh$/m);
    expect(ci.indexOf(INSTALL_SCRIPT)).toBeLessThan(ci.indexOf('npm ci'));
    expect(ci).not.toMatch(/apt-get/);
    expect(read('README.md')).toMatch(/^scripts\/install-prereqs\.sh\b/m);
  });

  const apt = process.platform === 'linux' && existsSync('/usr/bin/apt-get');
  it.runIf(apt)(
    'on bookworm installs what is missing, Mesa from bookworm-backports (dry run)',
    () => {
      const root = mkdtempSync(join(tmpdir(), 'netwright-fresh-'));
      writeFileSync(join(root, 'os-release'), 'ID=debian\nVERSION_CODENAME=bookworm\n');
      // A package database where chromium is absent and Mesa is bookworm's own 22.3.
      const fake = join(root, 'bin');
      mkdirSync(fake);
      writeFileSync(
        join(fake, 'dpkg-query'),
        [
          '#!/bin/sh',
          'for a; do pkg=$a; done',
          '[ "$pkg" = chromium ] && exit 1',
          'case "$*" in *Status*) printf "ii ";; *) printf "22.3.6-1+deb12u2";; esac',
        ].join('\n'),
      );
      chmodSync(join(fake, 'dpkg-query'), 0o755);
      const env = {
        ...process.env,
        OS_RELEASE: join(root, 'os-release'),
        PATH: `${fake}:${process.env.PATH}`,
      };
      const r = run('bash', [INSTALL_SCRIPT, '--dry-run'], env, ROOT);
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines).toContain('install-prereqs: installing chromium mesa-vulkan-drivers');
      expect(lines.find((l) => l.endsWith('apt-get install -y -qq chromium'))).toBeDefined();
      expect(
        lines.find((l) =>
          l.endsWith('apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers'),
        ),
      ).toBeDefined();
    },
  );
});

describe('a clean install', () => {
  it('has no npm config key npm does not know, and reviews every dependency install script', () => {
    expect(read('.npmrc')).not.toMatch(/onnxruntime/);
    // The packages with install scripts in the lockfile (npm install lists them when unreviewed).
    const withScripts = ['core-js', 'electron-winstaller', 'es5-ext', 'protobufjs', 'webgpu'];
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const locked = Object.entries(lock.packages)
      // "" is this project itself: its own preinstall (scripts/node-version.mjs) is ours, not a dependency's.
      .filter(([path, p]) => path !== '' && p.hasInstallScript)
      .map(([path]) => path.replace(/^.*node_modules\//, ''));
    expect([...new Set(locked)].sort()).toEqual(withScripts);
    expect(Object.keys(pkg.allowScripts).sort()).toEqual(withScripts);
  });
});
