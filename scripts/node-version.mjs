// The one Node.js requirement: package.json "engines.node", read here by every check (npm install's
// preinstall, npm start's prestart, npm test's prerequisites, the CLI, .ci/ensure-node.sh).
//
// Plain JavaScript that old Node versions can parse (no optional chaining, no top-level await),
// so an unsupported Node prints what to do instead of a syntax error.
//
//   node scripts/node-version.mjs            exit 0 when this Node fits, else 1 with what to do
//   node scripts/node-version.mjs --quiet    the same, silent (for .ci/ensure-node.sh)
//   node scripts/node-version.mjs --then "npm install"   the fix ends with "then run npm install again"
//   node scripts/node-version.mjs --range    prints the range from package.json
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PACKAGE_JSON = fileURLToPath(new URL('../package.json', import.meta.url));

/** What README's Quick start tells a user with an older Node to run. */
export const NODE_FIX =
  '"source .ci/ensure-node.sh" (puts Node 22 from the npm registry first on the PATH) ' +
  'or install Node.js 22 LTS from nodejs.org';

/** The range in package.json "engines.node": alternatives such as "^X.Y.Z" joined by "||". */
export function nodeRange() {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8'));
  return pkg.engines.node;
}

function parseVersion(text) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(String(text).trim());
  if (!m) throw new Error('not a version: ' + text);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/**
 * Whether `version` ("MAJOR.MINOR.PATCH", a leading "v" allowed) lies in `range`: alternatives
 * joined by "||", each "^X.Y.Z" (same major, at least X.Y.Z), ">=X.Y.Z" or an exact "X.Y.Z", the
 * subset of npm's semver ranges that package.json's engines uses. Throws on any other form.
 */
export function satisfies(version, range) {
  const v = parseVersion(version);
  return range.split('||').some(function (alt) {
    const part = alt.trim();
    if (part.indexOf('^') === 0) {
      const min = parseVersion(part.slice(1));
      return v[0] === min[0] && compare(v, min) >= 0;
    }
    if (part.indexOf('>=') === 0) return compare(v, parseVersion(part.slice(2).trim())) >= 0;
    if (/^\d/.test(part)) return compare(v, parseVersion(part)) === 0;
    throw new Error('unsupported range in package.json engines.node: ' + part);
  });
}

/** Null when this Node runs Netwright; otherwise one line saying what is wrong. */
export function nodeProblem() {
  const range = nodeRange();
  const found = process.versions.node;
  if (!satisfies(found, range)) {
    return 'Node.js ' + range + ' is required (found ' + found + ')';
  }
  // The CLI, benchmarks and checks run TypeScript sources directly (type stripping).
  if (process.features && process.features.typescript === false) {
    return (
      'Node.js ' +
      found +
      ' has TypeScript type stripping turned off ' +
      '(is --no-experimental-strip-types in NODE_OPTIONS?)'
    );
  }
  return null;
}

function main(args) {
  if (args.indexOf('--range') >= 0) {
    console.log(nodeRange());
    return 0;
  }
  const problem = nodeProblem();
  if (!problem) return 0;
  if (args.indexOf('--quiet') < 0) {
    console.error('netwright: ' + problem + '.');
    const then = args.indexOf('--then');
    const again = then >= 0 && args[then + 1] ? ', then run ' + args[then + 1] + ' again' : '';
    console.error('  To fix: ' + NODE_FIX + again + '.');
  }
  return 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  process.exitCode = main(process.argv.slice(2));
}
