#!/usr/bin/env node
// The kubectl plugin: `kubectl gitrail changes -n payments` runs `gitrail changes -n payments`.
import { enableCompileCache } from 'node:module';

// As bin/gitrail.js: compiled modules are kept in Node's compile cache.
enableCompileCache();
const { runCli } = await import('../src/cli/main.ts');

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
