// Azurite, the Azure Storage emulator, started by a test on 127.0.0.1 (a free port) with a temporary
// folder; stopped, and the folder removed, when the test ends. With `oauth`, it serves HTTPS with a
// self-signed certificate (made by openssl) and accepts Entra ID bearer tokens (`--oauth basic`: a JWT
// with aud https://storage.azure.com, a known issuer and a valid lifetime; the signature is not checked).
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Azurite's documented development account; its key is public, the same in every installation.
export const ACCOUNT = 'devstoreaccount1';
export const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** What startAzurite needs of a test: somewhere to register the stop (a TestContext, or a benchmark's own list). */
export interface AfterHook {
  after(fn: () => Promise<void>): void;
}

export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
  /** The certificate (PEM), to trust: `tls.setDefaultCACertificates([...tls.getCACertificates(), pem])`. */
  readonly pem: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost, valid for a day, written into `dir`. */
export function selfSignedCert(dir: string): TlsFiles {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  );
  return { cert, key, pem: readFileSync(cert, 'utf8') };
}

export interface AzuriteOptions {
  /** Serve HTTPS with this certificate and accept bearer tokens (`--oauth basic`). */
  readonly oauth?: TlsFiles;
}

/** The blob endpoint of the development account: http(s)://127.0.0.1:<port>/devstoreaccount1. */
export async function startAzurite(t: AfterHook, options: AzuriteOptions = {}): Promise<string> {
  const main = join(createRequire(import.meta.url).resolve('azurite/package.json'), '..', 'dist/src/blob/main.js');
  const location = mkdtempSync(join(tmpdir(), 'azurite-'));
  const args = ['--blobHost', '127.0.0.1', '--blobPort', '0', '--location', location, '--disableTelemetry'];
  if (options.oauth) args.push('--oauth', 'basic', '--cert', options.oauth.cert, '--key', options.oauth.key);
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
      const listening = /listens on (https?):\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (listening) resolve(`${listening[1]}://127.0.0.1:${listening[2]}/${ACCOUNT}`);
    });
    child.on('exit', (code) => reject(new Error(`azurite exited (${code}): ${output}`)));
  });
}
