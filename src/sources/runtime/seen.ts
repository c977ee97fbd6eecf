// What a checkpoint remembers of the overlap the next run reads again: ids (EventIds, object
// keys) with their times, so nothing in it is recorded twice.

/** The ids of `previous` and `added` at or after `keepFrom`; older ones can no longer come back. */
export function pruneSeen(
  previous: Readonly<Record<string, number>> | undefined,
  added: Iterable<readonly [string, number]>,
  keepFrom: number,
): Record<string, number> {
  const kept: Record<string, number> = {};
  for (const [id, time] of Object.entries(previous ?? {})) if (time >= keepFrom) kept[id] = time;
  for (const [id, time] of added) if (time >= keepFrom) kept[id] = time;
  return kept;
}
