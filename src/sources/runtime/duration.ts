// Durations in gitrail.yaml (`500ms`, `10s`, `15m`, `7d`, or a number of milliseconds) as a
// zod schema that yields milliseconds, so every source reads the same notation.
import { z } from 'zod';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Milliseconds in `text`, or null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const match = PATTERN.exec(text.trim());
  if (!match) return null;
  return Math.round(Number(match[1]) * (UNITS[match[2] as string] as number));
}

export const Duration = z
  .union([z.number().int().nonnegative(), z.string()])
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const ms = parseDuration(value);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a duration (use e.g. 500ms, 10s, 15m, 2h, 7d)` });
      return z.NEVER;
    }
    return ms;
  })
  .describe('a duration: a number with ms, s, m, h or d (e.g. 10s, 15m, 7d), or milliseconds as a number');
