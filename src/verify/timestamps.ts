// The RFC 3161 time-stamps of checkpoints (refs/tags/timestamps/<time>): each must be a granted
// token over exactly the checkpoint tag beside it, signed with the certificate it carries, so a
// checkpoint replaced after it was stamped, or a token edited, is named. What an authority
// vouches for is reported as a note: from when on each stamped checkpoint provably existed.
import { CHECKPOINT_TAG_PREFIX } from '../checkpoint/message.ts';
import { checkpointNameOfTimestamp, TIMESTAMP_TAG_PREFIX } from '../checkpoint/timestamp-ref.ts';
import { readTimestampResponse, type StampedTime } from '../checkpoint/timestamp.ts';
import { readRawObjectMap } from '../ledger/raw-objects.ts';
import type { Refs } from './history.ts';
import type { Problem } from './report.ts';

/** Checks every time-stamp; returns a note on what they prove, null when there are none. */
export async function checkTimestamps(gitdir: string, refs: Refs, problems: Problem[]): Promise<string | null> {
  const stamps = [...refs.tags].filter(([name]) => name.startsWith(TIMESTAMP_TAG_PREFIX));
  if (stamps.length === 0) return null;
  const pairs = stamps.map(([name, oid]) => ({ name, oid, checkpoint: checkpointNameOfTimestamp(name) }));
  const objects = await readRawObjectMap(gitdir, [
    ...pairs.map((pair) => pair.oid),
    ...pairs.flatMap((pair) => refs.tags.get(pair.checkpoint) ?? []),
  ]);
  let newest: { name: string; stamped: StampedTime } | null = null;
  for (const pair of pairs) {
    const where = `timestamp ${pair.name}`;
    const token = objects.get(pair.oid);
    const tagOid = refs.tags.get(pair.checkpoint);
    const tag = tagOid ? objects.get(tagOid) : undefined;
    if (!token || token.type !== 'blob') {
      problems.push({ object: where, reason: `refs/tags/${pair.name} is not a blob holding an RFC 3161 response` });
      continue;
    }
    if (!tag || tag.type !== 'tag') {
      problems.push({ object: where, reason: `stamps ${pair.checkpoint}, which the repository does not hold` });
      continue;
    }
    try {
      const stamped = await readTimestampResponse(token.content, tag.content);
      if (!newest || stamped.genTime > newest.stamped.genTime) newest = { name: pair.checkpoint, stamped };
    } catch (error) {
      problems.push({ object: where, reason: `does not hold for ${pair.checkpoint}: ${(error as Error).message}` });
    }
  }
  const checkpoints = [...refs.tags.keys()].filter((name) => name.startsWith(CHECKPOINT_TAG_PREFIX)).length;
  return newest
    ? `${stamps.length} of ${checkpoints} checkpoints time-stamped (RFC 3161); ${newest.name} existed by ` +
        `${new Date(newest.stamped.genTime).toISOString()} according to ${newest.stamped.authority || 'the authority'}`
    : null;
}
