// Azurite, the Azure Storage emulator, started by a test on 127.0.0.1 (a free port) with a temporary
// folder; stopped, and the folder removed, when the test ends.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Azurite's documented development account; its key is public, the same in every installation.
export const ACCOUNT = 'devstoreaccount1';
export const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** The blob endpoint of the development account: http://127.0.0.1:<port>/devstoreaccount1. */
/** What startAzurite needs of a test: somewhere to register the stop (a TestContext, or a benchmark's own list). */
export interface AfterHook {
  after(fn: () => Promise<void>): void;
}

export async function startAzurite(t: AfterHook): Promise<string> {
  const main = join(createRequire(import.meta.url).resolve('azurite/package.json'), '..', 'dist/src/blob/main.js');
  const location = mkdtempSync(join(tmpdir(), 'azurite-'));
  const args = ['--blobHost', '127.0.0.1', '--blobPort', '0', '--location', location, '--disableTelemetry'];
  const child = spawn(process.execPath, [main, ...args, '--skipApiVersionCheck'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  // Stopped before its folder is removed, so nothing writes into a folder being deleted.
  t.after(async () => {
    if (child.exitCode === null) child.kill();
    await exited;
    rmSync(location, { recursive: true, force: true });
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const port = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}/${ACCOUNT}`);
    });
    child.on('exit', (code) => reject(new Error(`azurite exited (${code}): ${output}`)));
  });
}
