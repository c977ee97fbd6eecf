// The cluster's own record of each shard's last pushed checkpoint (issue 11 in cluster mode), in
// a replicated NATS KV bucket, outside git: a writer records a checkpoint once the remote holds
// it, and a writer taking the shard checks the remote's tags against the record. Were the newest
// tags deleted on the remote (or the remote rewound), the chain would otherwise continue from an
// older tag, reuse the deleted numbers and show no gap; instead the shard's checkpoints stop with
// an error naming what is missing, until the tags are pushed back or an operator accepts the loss;
// then the chain continues numbered after the lost checkpoints (`Chain-Reset:` names them).
// A remote ahead of the record (pushed, then the KV write failed) is fine: the record is raised.
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { ChainReset } from '../checkpoint/message.ts';
import { runGit } from '../ledger/git-cli.ts';
import { readRef } from '../ledger/refs.ts';
import { type RemoteAccess, remoteTag } from './remote-git.ts';

export interface PushedCheckpoint {
  readonly number: number;
  /** The tag's name, `checkpoints/<UTC time>`. */
  readonly name: string;
  /** The tag object's id. */
  readonly oid: string;
  readonly signatureSha256: string;
  readonly pushedAt: number;
  /** Set by `gitrail cluster accept-checkpoint-loss`: the next writer continues from the remote's tip. */
  readonly acceptedLoss?: { readonly at: number };
}

function parse(value: Uint8Array): PushedCheckpoint | null {
  try {
    const record = JSON.parse(Buffer.from(value).toString('utf8')) as PushedCheckpoint;
    return Number.isSafeInteger(record.number) && typeof record.name === 'string' && /^[0-9a-f]{40}$/.test(record.oid)
      ? record
      : null;
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

/** The last checkpoint of the shard a writer of this cluster pushed, or null when none was recorded. */
export async function readPushedCheckpoint(kv: KV, shard: string): Promise<PushedCheckpoint | null> {
  const entry = await kv.get(shard);
  return entry && entry.operation === 'PUT' ? parse(entry.value) : null;
}

function isCasFailure(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

/** Records a pushed checkpoint unless a later one is recorded already (compare-and-set, never lowered). */
export async function recordPushedCheckpoint(kv: KV, shard: string, record: PushedCheckpoint): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const entry = await kv.get(shard);
    const current = entry && entry.operation === 'PUT' ? parse(entry.value) : null;
    if (current && !current.acceptedLoss && current.number >= record.number) return;
    try {
      if (entry) await kv.update(shard, JSON.stringify(record), entry.revision);
      else await kv.create(shard, JSON.stringify(record));
      return;
    } catch (error) {
      if (!isCasFailure(error)) throw error;
    }
  }
}

/**
 * The operator accepts that the shard's remote lost its checkpoints after its chain tip: the next
 * writer continues from the remote's tip and its first checkpoint says so (`Chain-Reset:`).
 * Returns the record accepted; throws when nothing is recorded for the shard.
 */
export async function acceptCheckpointLoss(kv: KV, shard: string, now: number): Promise<PushedCheckpoint> {
  const entry = await kv.get(shard);
  const current = entry && entry.operation === 'PUT' ? parse(entry.value) : null;
  if (!entry || !current) throw new Error(`shard ${shard}: no pushed checkpoint is recorded; nothing to accept`);
  await kv.update(shard, JSON.stringify({ ...current, acceptedLoss: { at: now } }), entry.revision);
  return current;
}

export interface RemoteCheck {
  /** Why the chain must not be continued, or null. */
  readonly problem: string | null;
  /** For the next checkpoint's `Chain-Reset:` and number when an operator accepted the loss, or null. */
  readonly chainReset: ChainReset | null;
}

/** After restore fetched the remote's checkpoint tags: whether they hold the checkpoint recorded as pushed. */
export async function checkRemoteChain(
  gitdir: string,
  shard: string,
  remoteUrl: string,
  recorded: PushedCheckpoint | null,
): Promise<RemoteCheck> {
  const fine = { problem: null, chainReset: null };
  if (!recorded) return fine;
  const oid = readRef(gitdir, `refs/tags/${recorded.name}`);
  if (oid === recorded.oid) return fine;
  // The same tag object under another name would still be the checkpoint (never happens with gitrail's names).
  if (oid === null) {
    const { stdout } = await runGit(gitdir, ['for-each-ref', '--format=%(objectname)', 'refs/tags/checkpoints/']);
    if (stdout.toString('utf8').split('\n').includes(recorded.oid)) return fine;
  }
  if (recorded.acceptedLoss) {
    const at = new Date(recorded.acceptedLoss.at).toISOString();
    const note = `#${recorded.number} ${recorded.name} ${recorded.oid} missing on remote; loss accepted ${at}`;
    return { problem: null, chainReset: { note, lost: recorded.number } };
  }
  const what = oid === null ? 'lacks' : 'holds another object as';
  const problem =
    `shard ${shard}: the remote ${remoteUrl} ${what} checkpoint #${recorded.number} ` +
    `(refs/tags/${recorded.name}, tag ${recorded.oid}) that this cluster pushed; its checkpoints were ` +
    'deleted or rewound — refusing to continue the chain. Push the missing checkpoint tags back from any ' +
    `clone, or accept the loss (gitrail cluster accept-checkpoint-loss ${shard}); the writer holding it checks again`;
  return { problem, chainReset: null };
}

/** Whether the remote holds `name` as the tag object `oid` (before recording it as pushed). */
export async function remoteHolds(remote: RemoteAccess, name: string, oid: string): Promise<boolean> {
  return (await remoteTag(remote, name)) === oid;
}
