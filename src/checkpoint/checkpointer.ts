// Signed checkpoints (issue 11): a tag `refs/tags/checkpoints/<UTC time>` whose signed message
// names the heads of main, activity (and each retention rule's `activity-<rule>` line) and the
// kept activity periods of every line, the journal sequence they
// contain, how many commits were written since the previous checkpoint, and that checkpoint's
// signature hash. Written by the single writer between flushes, so the heads it names are
// settled; activity periods past their retention are removed after the checkpoint that
// records their removal is durable.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Actor } from '../domain/change.ts';
import { LedgerError } from '../domain/errors.ts';
import { runGit } from '../ledger/git-cli.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { writeLooseObject } from '../ledger/loose-object.ts';
import { periodKeyOfRef, ruleOfLineRef, type PeriodHead } from '../ledger/periods.ts';
import { readRef, updateRef } from '../ledger/refs.ts';
import { serializeSignedTag } from '../ledger/tag-object.ts';
import { expiredPeriods, type RetentionPolicy } from '../retention/policy.ts';
import type { PublicKey } from '../signing/ssh-key.ts';
import { signSsh } from '../signing/sshsig.ts';
import { findChainTip } from './chain-tip.ts';
import { listRefs } from './git-refs.ts';
import {
  type ChainReset,
  checkpointTagName,
  formatCheckpointMessage,
  type CheckpointFacts,
  type CheckpointReason,
  type LineHead,
} from './message.ts';
import { signatureSha256 } from './read-checkpoint.ts';
import { removePeriods } from './remove-periods.ts';
import { writeCheckpointState, type CheckpointRecord } from './state.ts';

export interface CheckpointerOptions {
  readonly dataDir: string;
  readonly ledger: Ledger;
  readonly tagger: Actor;
  readonly now?: () => number;
  /** The journal's committed sequence; absent when no journal writes this data folder. */
  readonly journalSeq?: () => number | null;
  readonly retention?: RetentionPolicy;
  readonly log?: Logger;
}

export interface Checkpoint extends CheckpointRecord {
  readonly facts: CheckpointFacts;
  /** The tag object's content (what a timestamp authority is asked to stamp). */
  readonly content: Buffer;
}

export class Checkpointer {
  readonly #options: CheckpointerOptions;
  #last: CheckpointRecord | null;
  /** The heads the last checkpoint named, to count the commits since. */
  #lastHeads: readonly string[];

  private constructor(options: CheckpointerOptions, last: CheckpointRecord | null, lastHeads: readonly string[]) {
    this.#options = options;
    this.#last = last;
    this.#lastHeads = lastHeads;
  }

  static async open(options: CheckpointerOptions): Promise<Checkpointer> {
    const tip = await findChainTip(options.ledger.gitdir, options.dataDir, options.log);
    const facts = tip?.checkpoint?.facts;
    const heads = facts
      ? [facts.main, facts.activity, ...facts.lines.map((line) => line.head), ...facts.archived.map((a) => a.head)]
      : [];
    return new Checkpointer(
      options,
      tip?.record ?? null,
      heads.filter((head): head is string => head !== null),
    );
  }

  get last(): CheckpointRecord | null {
    return this.#last;
  }

  /**
   * Writes a checkpoint of the heads as they are once the pending commits are flushed; null when
   * the repository holds nothing yet. `nextKey`: a key rotation, announced under the current key.
   * `chainReset`: checkpoints after the last one here were lost; this one is numbered after them.
   */
  create(
    reason: CheckpointReason,
    options: { nextKey?: PublicKey; chainReset?: ChainReset } = {},
  ): Promise<Checkpoint | null> {
    return this.#options.ledger.exclusive(() =>
      this.#create(reason, options.nextKey ?? null, options.chainReset ?? null),
    );
  }

  async #create(reason: CheckpointReason, nextKey: PublicKey | null, chainReset: ChainReset | null) {
    const { ledger, retention } = this.#options;
    const signing = ledger.signing;
    if (!signing) throw new LedgerError('checkpoints need a signing key');
    const gitdir = ledger.gitdir;
    const time = Math.max((this.#options.now ?? Date.now)(), ledger.signingTime());
    const main = readRef(gitdir, 'refs/heads/main');
    const activity = readRef(gitdir, 'refs/heads/activity');
    const lines: LineHead[] = [];
    for (const [ref, head] of await listRefs(gitdir, 'refs/heads/activity-*')) {
      const rule = ruleOfLineRef(ref);
      if (rule !== null) lines.push({ rule, head });
    }
    const archived: PeriodHead[] = [];
    for (const [ref, head] of await listRefs(gitdir, 'refs/archive/')) {
      const period = periodKeyOfRef(ref);
      if (period !== null) archived.push({ period, head });
    }
    const tagged = main ?? activity ?? lines[0]?.head ?? archived[0]?.head;
    if (!tagged) return null;
    const removed = retention ? expiredPeriods(archived, time, retention) : [];
    const gone = new Set(removed.map((period) => period.period));
    const heads = [
      main,
      activity,
      ...lines.map((line) => line.head),
      ...archived.map((archive) => archive.head),
    ].filter((head): head is string => !!head);
    const facts: CheckpointFacts = {
      number: Math.max(this.#last?.number ?? 0, chainReset?.lost ?? 0) + 1,
      time,
      reason,
      main,
      activity,
      lines,
      archived: archived.filter((archive) => !gone.has(archive.period)),
      removed,
      journalSeq: this.#options.journalSeq?.() ?? null,
      commits: await countCommits(gitdir, heads, this.#lastHeads),
      signingKey: signing.key.publicKey.fingerprint,
      nextSigningKey: nextKey?.line ?? null,
      previous: this.#last
        ? { name: this.#last.name, oid: this.#last.oid, signatureSha256: this.#last.signatureSha256 }
        : null,
      ...(chainReset ? { chainReset: chainReset.note } : {}),
    };
    const name = uniqueName(gitdir, checkpointTagName(time));
    const content = serializeSignedTag(
      { object: tagged, name, tagger: { ...this.#options.tagger, time }, message: formatCheckpointMessage(facts) },
      (payload) => signSsh(signing.key, payload),
    );
    const oid = writeLooseObject(gitdir, 'tag', content);
    const ref = `refs/tags/${name}`;
    mkdirSync(dirname(join(gitdir, ref)), { recursive: true });
    updateRef(gitdir, ref, oid, null);
    const armour = content.toString('utf8', content.indexOf('-----BEGIN SSH SIGNATURE-----'));
    const record: CheckpointRecord = {
      name,
      oid,
      number: facts.number,
      time,
      signatureSha256: signatureSha256(armour),
    };
    writeCheckpointState(this.#options.dataDir, record);
    this.#last = record;
    this.#lastHeads = heads;
    if (removed.length > 0) await removePeriods(gitdir, ledger.index, removed, this.#options.log);
    this.#options.log?.info({ checkpoint: name, commits: facts.commits, reason }, 'checkpoint written');
    return { ...record, facts, content };
  }
}

/** `checkpoints/20250101T100000Z`, or with `-2`, `-3`… when one was already written that second. */
function uniqueName(gitdir: string, base: string): string {
  let name = base;
  for (let n = 2; readRef(gitdir, `refs/tags/${name}`) !== null; n += 1) name = `${base}-${n}`;
  return name;
}

/** Commits reachable from `heads` and not from `before` (heads removed since are ignored). */
async function countCommits(gitdir: string, heads: readonly string[], before: readonly string[]): Promise<number> {
  if (heads.length === 0) return 0;
  const { stdout } = await runGit(gitdir, ['rev-list', '--count', '--ignore-missing', ...heads, '--not', ...before]);
  return Number(stdout.toString('utf8').trim());
}
