// `--since` / `--until` values: an ISO 8601 time, or a duration before now (`7d`, `12h`).
import { parseDuration } from '../../policy/duration.ts';
import { UsageError } from '../usage-error.ts';

export function parseTimeArg(option: string, value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const ago = parseDuration(value);
  if (ago !== null) return now - ago;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new UsageError(`--${option} ${JSON.stringify(value)} is neither an ISO time (2026-05-04T09:00:00Z) nor a duration ago (7d, 12h)`);
  return time;
}
