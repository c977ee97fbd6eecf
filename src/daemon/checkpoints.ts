// Issue 11 in the daemon: a signed checkpoint every checkpoint.interval (the first one due an
// interval after the last, or at once when none was written) and one at shutdown; each is then
// time-stamped (checkpoint.timestamp.url) and announced (checkpoint.notify). Those two are
// best effort: a failure is logged and counted, and the checkpoint stands without them.
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { Checkpointer, type Checkpoint } from '../checkpoint/checkpointer.ts';
import type { CheckpointRecord } from '../checkpoint/state.ts';
import type { ChainReset, CheckpointReason } from '../checkpoint/message.ts';
import { requestTimestamp } from '../checkpoint/timestamp.ts';
import { storeTimestamp } from '../checkpoint/timestamp-ref.ts';
import type { LedgerSettings } from '../config/ledger-settings.ts';
import type { Config } from '../config/schema.ts';
import { resolveSecret } from '../config/secret-ref.ts';
import { ConfigError } from '../domain/errors.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { postToReceiver } from '../notify/http.ts';

export interface Checkpoints {
  /** The newest checkpoint, for the viewer. */
  last(): { readonly name: string; readonly time: number; readonly number: number } | null;
  /** Writes one now (tests, `manual`). */
  create(reason: CheckpointReason): Promise<Checkpoint | null>;
  /** Stops the schedule and writes the shutdown checkpoint. */
  stop(): Promise<void>;
  /** Stops the schedule only (the ledger cannot be trusted to write). */
  cancel(): void;
}

export interface CheckpointDeps {
  readonly config: Config;
  readonly writer: LedgerSettings;
  readonly ledger: Ledger;
  readonly journalSeq: () => number;
  readonly registry: Registry;
  /** The metrics, when several schedules share one registry (cluster mode: one per shard held). */
  readonly instruments?: CheckpointInstruments;
  /** The folder holding checkpoint.json (default config.data; a shard's folder in cluster mode). */
  readonly dataDir?: string;
  /** False when this writer may no longer write (a cluster writer whose lease is lost): nothing is written. */
  readonly mayWrite?: () => boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  readonly now: () => number;
  /** After each checkpoint is written and time-stamped (the mirrors push it). */
  readonly onCheckpoint?: () => void;
  /** Recorded as `Chain-Reset:` in the next checkpoint written (a loss of checkpoints an operator accepted). */
  readonly chainReset?: ChainReset;
}

/** The webhook a checkpoint is announced on, checked before anything starts. */
function announcer(config: Config, env: NodeJS.ProcessEnv) {
  const name = config.checkpoint.notify;
  if (!name) return null;
  const channel = config.notify.channels[name];
  if (channel?.kind !== 'webhook')
    throw new ConfigError([`checkpoint.notify: ${name} is not a webhook channel of notify.channels`]);
  const secret = resolveSecret(channel.secret, `notify.channels.${name}.secret`, env);
  const headers = Object.fromEntries(
    Object.entries(channel.headers).map(([header, ref]) => [
      header.toLowerCase(),
      resolveSecret(ref, `notify.channels.${name}.headers.${header}`, env),
    ]),
  );
  return async (checkpoint: Checkpoint, timeoutMs: number) => {
    const body = JSON.stringify({
      kind: 'checkpoint',
      name: checkpoint.name,
      oid: checkpoint.oid,
      number: checkpoint.number,
      time: new Date(checkpoint.time).toISOString(),
      facts: checkpoint.facts,
      tag: checkpoint.content.toString('utf8'),
    });
    await postToReceiver({
      channel: name,
      url: channel.url,
      body,
      headers: {
        ...headers,
        'idempotency-key': checkpoint.oid,
        'x-gitrail-event': 'checkpoint',
        'x-gitrail-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      },
      timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
      accept: (status) => status >= 200 && status < 300,
    });
  };
}

export interface CheckpointInstruments {
  readonly failures: Counter<'step'>;
  /** Counts `last` in the age gauge (the oldest of those tracked) until the returned function is called. */
  track(last: () => CheckpointRecord | null): () => void;
}

export function checkpointInstruments(registry: Registry, now: () => number): CheckpointInstruments {
  const tracked = new Set<() => CheckpointRecord | null>();
  const failures = new Counter({
    name: 'gitrail_checkpoint_failures_total',
    help: 'checkpoint steps that failed, per step (write, timestamp, notify)',
    labelNames: ['step'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'gitrail_checkpoint_age_seconds',
    help: 'seconds since the last signed checkpoint (absent before the first; the oldest when several shards)',
    registers: [registry],
    collect() {
      this.reset();
      const times = [...tracked].flatMap((last) => last()?.time ?? []);
      if (times.length > 0) this.set(Math.max(0, (now() - Math.min(...times)) / 1000));
    },
  });
  return {
    failures,
    track(last) {
      tracked.add(last);
      return () => tracked.delete(last);
    },
  };
}

export async function startCheckpoints(deps: CheckpointDeps): Promise<Checkpoints> {
  const { config, ledger, log, now } = deps;
  const announce = announcer(config, deps.env);
  const checkpointer = await Checkpointer.open({
    dataDir: deps.dataDir ?? config.data,
    ledger,
    tagger: deps.writer.committer,
    journalSeq: deps.journalSeq,
    retention: deps.writer.retention,
    now,
    log,
  });
  const instruments = deps.instruments ?? checkpointInstruments(deps.registry, now);
  const { failures } = instruments;
  const untrack = instruments.track(() => checkpointer.last);
  const after = async (checkpoint: Checkpoint) => {
    const stamp = config.checkpoint.timestamp;
    if (stamp) {
      try {
        const { der, stamped } = await requestTimestamp(stamp.url, checkpoint.content, stamp.timeout);
        storeTimestamp(ledger.gitdir, checkpoint.name, der);
        log.info(
          { checkpoint: checkpoint.name, genTime: new Date(stamped.genTime).toISOString() },
          'checkpoint time-stamped',
        );
      } catch (error) {
        failures.inc({ step: 'timestamp' });
        log.warn({ err: error, checkpoint: checkpoint.name }, 'checkpoint not time-stamped');
      }
    }
    if (announce) {
      try {
        await announce(checkpoint, config.notify.delivery.timeout);
      } catch (error) {
        failures.inc({ step: 'notify' });
        log.warn({ err: error, checkpoint: checkpoint.name }, 'checkpoint not announced');
      }
    }
  };
  let chainReset = deps.chainReset;
  const create = async (reason: CheckpointReason) => {
    if (deps.mayWrite && !deps.mayWrite()) return null;
    const checkpoint = await checkpointer.create(reason, chainReset ? { chainReset } : {});
    if (checkpoint) {
      chainReset = undefined;
      await after(checkpoint);
      deps.onCheckpoint?.();
    }
    return checkpoint;
  };

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const schedule = (delay: number) => {
    timer = setTimeout(() => {
      running = create('interval')
        .catch((error: unknown) => {
          failures.inc({ step: 'write' });
          log.error({ err: error }, 'checkpoint failed');
        })
        .finally(() => {
          if (!stopped) schedule(config.checkpoint.interval);
        });
    }, delay);
  };
  // Due an interval after the last one; at once when there is none yet (nothing to do in an empty repository).
  const last = checkpointer.last;
  schedule(last ? Math.max(0, last.time + config.checkpoint.interval - now()) : 0);
  return {
    last: () => checkpointer.last,
    create,
    cancel() {
      stopped = true;
      clearTimeout(timer);
      untrack();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      try {
        await create('shutdown');
      } finally {
        untrack();
      }
    },
  };
}
