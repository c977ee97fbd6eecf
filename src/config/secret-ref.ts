// Secrets are never written in gitrail.yaml: the config names an environment variable or a
// file that holds the value. Resolved at start-up; the value itself is never logged.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../domain/errors.ts';

export const SecretRef = z
  .union([
    z.object({ env: z.string().min(1).describe('name of the environment variable holding the secret') }).strict(),
    z
      .object({ file: z.string().min(1).describe('path of a file holding the secret (trailing newline ignored)') })
      .strict(),
  ])
  .describe('where a secret comes from: {env: NAME} or {file: PATH}; never the value itself');
export type SecretRef = z.infer<typeof SecretRef>;

/** Reads a secret; `where` names the config key for the error message. */
export function resolveSecret(ref: SecretRef, where: string, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in ref) {
    const value = env[ref.env];
    if (!value) throw new ConfigError([`${where}: environment variable ${ref.env} is not set`]);
    return value;
  }
  try {
    return readFileSync(ref.file, 'utf8').replace(/\r?\n$/, '');
  } catch (cause) {
    throw new ConfigError([
      `${where}: cannot read ${ref.file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
    ]);
  }
}
