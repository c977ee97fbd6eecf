// The message of a checkpoint tag (issue 11), a public contract like the commit format: a
// subject, then one `Key: value` line per fact, so `git cat-file tag` reads plainly and the
// chain can be walked with git alone. Each checkpoint names its predecessor and the SHA-256
// of its signature, as CloudTrail digest files chain `previousDigestSignature`. A retention
// rule's activity line is named `Activity-Line: <rule> <head>`, its periods `<rule>/<period>`.
import type { PeriodHead, RemovedPeriod } from '../ledger/periods.ts';

export type CheckpointReason = 'interval' | 'shutdown' | 'ingest' | 'rotation' | 'manual';

export interface CheckpointFacts {
  /** 1 for the first checkpoint of a repository. */
  readonly number: number;
  readonly time: number;
  readonly reason: CheckpointReason;
  readonly main: string | null;
  readonly activity: string | null;
  /** The heads of the retention rules' lines (`refs/heads/activity-<rule>`), by rule name order. */
  readonly lines: readonly LineHead[];
  /** Closed activity periods still kept (`refs/archive/activity/<period>`, `…/activity-<rule>/<period>`). */
  readonly archived: readonly PeriodHead[];
  /** Periods this checkpoint records as removed by retention. */
  readonly removed: readonly RemovedPeriod[];
  /** Every journal entry up to this sequence is in the heads named (null: no journal). */
  readonly journalSeq: number | null;
  /** Commits written since the previous checkpoint. */
  readonly commits: number;
  /** Fingerprint of the key that signs this checkpoint. */
  readonly signingKey: string;
  /** On a key rotation: the key that signs from this checkpoint on (`ssh-ed25519 AAAA…`). */
  readonly nextSigningKey: string | null;
  readonly previous: { readonly name: string; readonly oid: string; readonly signatureSha256: string } | null;
  /** The checkpoints after `previous` that were lost (deleted on the remote) and an operator accepted so. */
  readonly chainReset?: string | null;
}

/**
 * A loss of checkpoints an operator accepted: `note` is the `Chain-Reset:` value, which starts
 * with `#<lost>`, the newest checkpoint number lost; the next checkpoint is numbered after it, so
 * no number is ever given to two checkpoints, and the gap it leaves is the one the line names.
 */
export interface ChainReset {
  readonly note: string;
  readonly lost: number;
}

/** The newest checkpoint number a `Chain-Reset:` value says was lost (`#<n> …`), or null. */
export function lostByChainReset(note: string | null | undefined): number | null {
  const match = /^#(\d+)\b/.exec(note ?? '');
  return match ? Number(match[1]) : null;
}

export interface LineHead {
  readonly rule: string;
  readonly head: string;
}

export const CHECKPOINT_TAG_PREFIX = 'checkpoints/';

/** `checkpoints/20250101T100000Z`: ISO 8601 basic format, since `:` cannot be in a ref name. */
export function checkpointTagName(time: number): string {
  return `${CHECKPOINT_TAG_PREFIX}${new Date(time)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}`;
}

export function formatCheckpointMessage(facts: CheckpointFacts): string {
  const lines = [
    `Checkpoint: ${facts.number}`,
    `Reason: ${facts.reason}`,
    `Main: ${facts.main ?? 'none'}`,
    `Activity: ${facts.activity ?? 'none'}`,
    ...facts.lines.map((line) => `Activity-Line: ${line.rule} ${line.head}`),
    ...facts.archived.map((archive) => `Archived: ${archive.period} ${archive.head}`),
    ...facts.removed.map((removed) => `Removed: ${removed.period} ${removed.head} retention ${removed.retention}`),
    `Journal-Seq: ${facts.journalSeq ?? 'none'}`,
    `Commits: ${facts.commits}`,
    `Signing-Key: ${facts.signingKey}`,
    ...(facts.nextSigningKey ? [`Next-Signing-Key: ${facts.nextSigningKey}`] : []),
    `Previous: ${facts.previous ? `${facts.previous.name} ${facts.previous.oid}` : 'none'}`,
    ...(facts.previous ? [`Previous-Signature: sha256:${facts.previous.signatureSha256}`] : []),
    ...(facts.chainReset ? [`Chain-Reset: ${facts.chainReset}`] : []),
  ];
  return `gitrail checkpoint ${new Date(facts.time).toISOString().replace(/\.\d{3}Z$/, 'Z')}\n\n${lines.join('\n')}\n`;
}

const SHA = /^[0-9a-f]{40}$/;

function sha(value: string | undefined, what: string): string | null {
  if (value === 'none') return null;
  if (value === undefined || !SHA.test(value)) throw new Error(`${what} is not an object id`);
  return value;
}

/** Reads a checkpoint message back; throws an Error naming the first line it cannot read. */
export function parseCheckpointMessage(message: string, time: number): CheckpointFacts {
  const values = new Map<string, string[]>();
  for (const line of message.split('\n').slice(2)) {
    if (line === '') continue;
    const match = /^([A-Za-z-]+): (.*)$/.exec(line);
    if (!match) throw new Error(`unreadable line "${line}"`);
    values.set(match[1] as string, [...(values.get(match[1] as string) ?? []), match[2] as string]);
  }
  const one = (key: string): string => {
    const value = values.get(key)?.[0];
    if (value === undefined) throw new Error(`no ${key}: line`);
    return value;
  };
  const number = Number(one('Checkpoint'));
  if (!Number.isSafeInteger(number) || number < 1) throw new Error('Checkpoint: is not a positive number');
  const periods = (key: string) =>
    (values.get(key) ?? []).map((value) => {
      const [period, head, , retention] = value.split(' ');
      if (!period || !head || !SHA.test(head)) throw new Error(`${key}: ${value} is not "<period> <head>"`);
      return { period, head, retention: retention ?? '' };
    });
  const previous = one('Previous');
  const [previousName, previousOid] = previous.split(' ');
  const signature = values.get('Previous-Signature')?.[0]?.replace(/^sha256:/, '');
  const journal = one('Journal-Seq');
  return {
    number,
    time,
    reason: one('Reason') as CheckpointFacts['reason'],
    main: sha(one('Main'), 'Main:'),
    activity: sha(one('Activity'), 'Activity:'),
    lines: (values.get('Activity-Line') ?? []).map((value) => {
      const [rule, head] = value.split(' ');
      if (!rule || !head || !SHA.test(head)) throw new Error(`Activity-Line: ${value} is not "<rule> <head>"`);
      return { rule, head };
    }),
    archived: periods('Archived').map(({ period, head }) => ({ period, head })),
    removed: periods('Removed'),
    journalSeq: journal === 'none' ? null : Number(journal),
    commits: Number(one('Commits')),
    signingKey: one('Signing-Key'),
    nextSigningKey: values.get('Next-Signing-Key')?.[0] ?? null,
    chainReset: values.get('Chain-Reset')?.[0] ?? null,
    previous:
      previous === 'none'
        ? null
        : {
            name: previousName ?? '',
            oid: sha(previousOid, 'Previous:') ?? '',
            signatureSha256: signature ?? '',
          },
  };
}
