// The zod schema of every duration in gitrail.yaml and policies: text (`5m`, `1h30m`) or milliseconds.
import { z } from 'zod';
import { parseDuration } from '../domain/duration.ts';

/** `5m` → 300000; a bare number is milliseconds. */
export const Duration = z
  .union([z.number().int().nonnegative(), z.string()])
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const ms = parseDuration(value);
    if (ms === null) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(value)} is not a duration (use e.g. 30s, 5m, 4h, 7d)`,
      });
      return z.NEVER;
    }
    return ms;
  })
  .describe('a duration: 30s, 5m, 4h, 7d, 1h30m, or milliseconds as a number');
