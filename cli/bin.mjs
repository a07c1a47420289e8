#!/usr/bin/env node
// Runs the TypeScript CLI directly: Node >= 22.18 strips types without a build step.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `netwright needs Node.js 22.18 or newer (found ${process.versions.node}); run "source .ci/ensure-node.sh" first`,
  );
  process.exit(2);
}
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
