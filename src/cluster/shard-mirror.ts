// The push of one shard session to the shard's remote: a Mirror of the shard's repository
// whose every attempt tells the push tracker what the remote now reflects, retention lines too (the stream is
// purged up to it), and whose rejected push (another writer pushed first) ends the session.
import type { Logger } from 'pino';
import { ruleOfLineRef } from '../ledger/periods.ts';
import { MirrorConfig } from '../mirror/config.ts';
import { Mirror } from '../mirror/mirror.ts';
import { shortRef } from '../mirror/plan.ts';
import type { ShardRemoteConfig } from './config.ts';
import type { PushTracker } from './push-tracker.ts';
import type { RemoteAccess } from './remote-git.ts';

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
      const refused = report.results.find((result) => result.kind === 'rejected');
      if (refused) options.rejected(`push of ${shortRef(refused.ref)} rejected: ${refused.message}`);
      if (report.outcome === 'ok') options.pushed?.();
    },
  });
}
