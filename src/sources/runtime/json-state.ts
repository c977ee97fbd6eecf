// A source's small state file (a checkpoint) in its state folder: JSON validated by a zod
// schema on read, written atomically and durably (temp file, fsync, rename, directory fsync).
// A corrupt file is an error naming it and the way out, never silently replaced.
import { jsonSyntaxReason } from '../../domain/json.ts';
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError } from '../../domain/errors.ts';
import { writeFileDurably } from '../../ledger/durable-file.ts';

/** The state, or null when the file does not exist yet. */
export function loadJsonState<T>(path: string, schema: z.ZodType<T>, what: string): T | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError([
      `${path}: the ${what} is not JSON (${jsonSyntaxReason(cause)}); remove it to start again from maxAge`,
    ]);
  }
  const result = schema.safeParse(parsed);
  if (!result.success)
    throw new ConfigError([
      `${path}: the ${what} is malformed (${result.error.issues[0]?.message}); remove it to start again from maxAge`,
    ]);
  return result.data;
}

export function saveJsonState(path: string, value: unknown): void {
  writeFileDurably(path, JSON.stringify(value));
}
