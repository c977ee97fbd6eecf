// The push of one shard session to the shard's remote: a Mirror of the shard's repository
// whose every attempt tells the push tracker what the remote now reflects, retention lines too (the stream is
// purged up to it), and whose rejected push (another writer pushed first) ends the session.
import type { Logger } from 'pino';
import { ruleOfLineRef } from '../ledger/periods.ts';
import { MirrorConfig } from '../mirror/config.ts';
import { Mirror } from '../mirror/mirror.ts';
import { type RefResult, shortRef } from '../mirror/plan.ts';
import type { ShardRemoteConfig } from './config.ts';
import type { PushTracker } from './push-tracker.ts';
import { type RemoteAccess, remoteHeads } from './remote-git.ts';
import { isClosedPeriod } from './restore-archives.ts';

export interface ShardMirrorOptions {
  readonly shard: string;
  readonly gitdir: string;
  readonly remote: RemoteAccess & { readonly settings: ShardRemoteConfig };
  readonly tracker: PushTracker;
  readonly log: Logger;
  readonly now: () => number;
  /** The stream's messages up to this sequence are on the remote. */
  readonly reflected: (seq: number) => void;
  readonly rejected: (reason: string) => void;
  /** After an attempt that got every ref (checkpoints included) to the remote. */
  readonly pushed?: () => void;
}

export function startShardMirror(options: ShardMirrorOptions): Mirror {
  const { shard, remote, tracker } = options;
  const { settings } = remote;
  const config = MirrorConfig.parse({
    name: shard,
    url: remote.url,
    username: remote.username,
    transport: settings.transport,
    interval: settings.interval,
    batchCommits: settings.batchCommits,
    initialBackoff: settings.initialBackoff,
    maxBackoff: settings.maxBackoff,
  });
  return new Mirror({
    name: shard,
    url: remote.url,
    config,
    gitdir: options.gitdir,
    token: remote.token,
    log: options.log.child({ mirror: shard }),
    now: options.now,
    transport: settings.transport,
    onAttempt: (report) => {
      for (const [branch, head] of report.level) options.reflected(tracker.pushed(branch, head));
      // Retention rules' lines are pushed with activity; each one the remote took is level at `to`.
      for (const result of report.results)
        if (result.kind === 'pushed' && ruleOfLineRef(result.ref) !== null)
          options.reflected(tracker.pushed(result.ref.slice('refs/heads/'.length), result.to));
      // The remote moved on without us (another writer pushed): restore and resume from it.
      const refused = report.results.filter((result) => result.kind === 'rejected');
      if (refused.length > 0) void judgeRefusals(options, refused);
      if (report.outcome === 'ok') options.pushed?.();
    },
  });
}

/**
 * Ends the session for a refused ref, unless it is an activity line that began a new period
 * while the attempt ran (the remote's head is in one of this repository's closed periods, archived
 * or already removed by retention): the retry pushes the archive, deletes the remote's line and
 * creates it again.
 */
async function judgeRefusals(options: ShardMirrorOptions, refused: readonly RefResult[]): Promise<void> {
  let heads: Map<string, string> | null = null;
  for (const result of refused) {
    const line = result.ref === 'refs/heads/activity' || ruleOfLineRef(result.ref) !== null;
    if (line) {
      try {
        heads ??= await remoteHeads(options.remote);
        const theirs = heads.get(shortRef(result.ref));
        if (theirs === undefined || (await isClosedPeriod(options.gitdir, theirs))) continue;
      } catch (error) {
        options.log.debug({ err: error, ref: result.ref }, 'cannot tell a new period from another writer');
      }
    }
    const message = result.kind === 'rejected' ? result.message : '';
    return options.rejected(`push of ${shortRef(result.ref)} rejected: ${message}`);
  }
}
