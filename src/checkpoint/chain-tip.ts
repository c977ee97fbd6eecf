// Where the checkpoint chain continues when the writer starts: the data folder's record,
// carried forward over any checkpoint written after it (a crash between the tag and the
// record), or, without a record, the newest tag no other checkpoint names as its previous.
import type { Logger } from 'pino';
import { readRawObjectMap } from '../ledger/raw-objects.ts';
import { listRefs } from './git-refs.ts';
import { CHECKPOINT_TAG_PREFIX } from './message.ts';
import { readCheckpoint, type ReadCheckpoint } from './read-checkpoint.ts';
import { readCheckpointState, type CheckpointRecord } from './state.ts';

export interface ChainTip {
  readonly record: CheckpointRecord;
  /** The tag, when it is still in the repository as recorded. */
  readonly checkpoint: ReadCheckpoint | null;
}

function toRecord(checkpoint: ReadCheckpoint): CheckpointRecord {
  return {
    name: checkpoint.name,
    oid: checkpoint.oid,
    number: checkpoint.facts.number,
    time: checkpoint.tag.taggerTime,
    signatureSha256: checkpoint.signatureSha256 ?? '',
  };
}

export async function findChainTip(gitdir: string, dataDir: string, log?: Logger): Promise<ChainTip | null> {
  const recorded = readCheckpointState(dataDir);
  const refs = await listRefs(gitdir, `refs/tags/${CHECKPOINT_TAG_PREFIX}`);
  const tagName = (ref: string) => ref.slice('refs/tags/'.length);
  const candidates = [...refs].filter(([ref]) => !recorded || tagName(ref) >= recorded.name);
  const objects = await readRawObjectMap(
    gitdir,
    candidates.map(([, oid]) => oid),
  );
  const checkpoints: ReadCheckpoint[] = [];
  for (const [ref, oid] of candidates) {
    const object = objects.get(oid);
    if (!object || object.type !== 'tag') continue;
    try {
      checkpoints.push(readCheckpoint(tagName(ref), oid, object.content));
    } catch (error) {
      log?.warn({ tag: tagName(ref), err: error }, 'a checkpoint tag that cannot be read is not continued from');
    }
  }
  let tip: ReadCheckpoint | null;
  if (recorded) {
    tip = checkpoints.find((checkpoint) => checkpoint.oid === recorded.oid) ?? null;
    if (!tip)
      log?.error({ checkpoint: recorded.name, oid: recorded.oid }, 'the last checkpoint tag is missing or replaced');
  } else {
    const named = new Set(checkpoints.map((checkpoint) => checkpoint.facts.previous?.oid));
    tip =
      checkpoints
        .filter((checkpoint) => !named.has(checkpoint.oid))
        .sort((a, b) => b.facts.number - a.facts.number)[0] ?? null;
  }
  // Checkpoints written after the record (the writer stopped before recording them).
  for (let next = tip; next; ) {
    tip = next;
    const current = next;
    next = checkpoints.find((checkpoint) => checkpoint.facts.previous?.oid === current.oid) ?? null;
  }
  if (tip) return { record: toRecord(tip), checkpoint: tip };
  return recorded ? { record: recorded, checkpoint: null } : null;
}
