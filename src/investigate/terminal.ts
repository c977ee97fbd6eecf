// Terminal decisions made the way git makes them: colour only on a TTY and never with
// NO_COLOR (https://no-color.org), the width from the terminal or COLUMNS, and the pager from
// GITRAIL_PAGER, else PAGER, else `less -FRX`, only when stdout is a TTY. Pure.

export type ColourMode = 'auto' | 'always' | 'never';

export interface StreamInfo {
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

export type Env = Readonly<Record<string, string | undefined>>;

export function parseColourMode(text: string): ColourMode | null {
  return text === 'auto' || text === 'always' || text === 'never' ? text : null;
}

export function decideColour(mode: ColourMode, stream: StreamInfo, env: Env): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (mode !== 'auto') return mode === 'always';
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

/** Columns to fit: the terminal's, else COLUMNS, else unlimited (output to a file or pipe). */
export function decideWidth(stream: StreamInfo, env: Env): number {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  const columns = Number(env['COLUMNS']);
  return Number.isInteger(columns) && columns > 0 ? columns : Number.POSITIVE_INFINITY;
}

/** The pager command line, or null for none (not a TTY, disabled, empty or `cat`). */
export function decidePager(enabled: boolean, stream: StreamInfo, env: Env): string | null {
  if (!enabled || stream.isTTY !== true) return null;
  const command = (env['GITRAIL_PAGER'] ?? env['PAGER'] ?? 'less -FRX').trim();
  return command === '' || command === 'cat' ? null : command;
}

/** The pager's environment: like git, LESS=FRX and LV=-c unless the user set them. */
export function pagerEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  out['LESS'] ??= 'FRX';
  out['LV'] ??= '-c';
  return out;
}
