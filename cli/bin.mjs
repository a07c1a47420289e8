#!/usr/bin/env node
// Runs the TypeScript CLI directly: Node >= 22.18 strips types without a build step.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `netwright needs Node.js 22.18 or newer (found ${process.versions.node}); run "source .ci/ensure-node.sh" first`,
  );
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
