#!/usr/bin/env node
// The `gitrail` executable: Node ≥ 24 runs the TypeScript sources directly.
import { enableCompileCache } from 'node:module';

// Modules compiled (TypeScript stripped, V8 code) once are kept in Node's compile cache (the
// system's temporary folder, or NODE_COMPILE_CACHE): a CLI run starts in about half the time.
enableCompileCache();
const { restartWithFewArenas } = await import('../src/ingest/malloc-arenas.ts');

// `gitrail ingest` runs with fewer malloc arenas (peak memory, issue 12): a restart, before the CLI is loaded.
restartWithFewArenas(process.argv.slice(2));
const { runCli } = await import('../src/cli/main.ts');

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  // The composition root, loaded only by the commands that run the daemon.
  startDaemon: async (options) => (await import('../src/main.ts')).startDaemon(options),
});
