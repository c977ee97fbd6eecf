// The opaque cursor of a commit list page: the time and sequence of the last commit shown, so the
// next page starts after it (base64url, so it travels in a query string unescaped).

/** The cursor after a commit at `time` with index sequence `seq`. */
export function encodeCursor(time: number, seq: number): string {
  return Buffer.from(`${time}:${seq}`).toString('base64url');
}

/** The time and sequence a cursor names, or null when it is not one of ours. */
export function decodeCursor(cursor: string): { time: number; seq: number } | null {
  const [time, seq] = Buffer.from(cursor, 'base64url').toString('utf8').split(':').map(Number);
  return Number.isFinite(time) && Number.isFinite(seq) ? { time: time as number, seq: seq as number } : null;
}
