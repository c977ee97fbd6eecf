// The data folder's layout: every file and folder gitrail keeps under `--data`, named once here
// (DESIGN §2). A module that opens one of them asks for its path; nothing else spells the names.
import { join } from 'node:path';

export interface DataFolder {
  readonly dir: string;
  /** The bare repository: main, activity and their archives, checkpoint tags. */
  readonly repo: string;
  /** The SQLite index of commits, event ids and attribution facts (rebuildable from git). */
  readonly index: string;
  /** Blames already computed (derived from the repository and the index; disposable). */
  readonly blameCache: string;
  /** Accepted batches not yet committed (the write-ahead journal). */
  readonly journal: string;
  /** Records refused by the ledger, kept for `gitrail quarantine`. */
  readonly quarantine: string;
  /** Notification deliveries (durable outbox). */
  readonly outbox: string;
  /** Generated secrets and the signing key (0700; each file 0600). */
  readonly keys: string;
  readonly signingKey: string;
  readonly allowedSigners: string;
  readonly redactionKey: string;
  readonly ingestToken: string;
  readonly viewToken: string;
  /** The git mailmap written from `identities:`. */
  readonly mailmap: string;
  /** Held by the one process that writes the repository. */
  readonly writerLock: string;
  /** Each live source's own state (checkpoints): `sources/<id>/`. */
  readonly sources: string;
  /** Cluster mode: one repository and index per shard, and the intake's spill. */
  readonly shards: string;
  readonly spill: string;
}

export function dataFolder(dir: string): DataFolder {
  const keys = join(dir, 'keys');
  return {
    dir,
    repo: join(dir, 'repo.git'),
    index: join(dir, 'index.db'),
    blameCache: join(dir, 'blame-cache.db'),
    journal: join(dir, 'journal'),
    quarantine: join(dir, 'quarantine'),
    outbox: join(dir, 'outbox.db'),
    keys,
    signingKey: join(keys, 'signing.key'),
    allowedSigners: join(keys, 'allowed_signers'),
    redactionKey: join(keys, 'redaction.key'),
    ingestToken: join(keys, 'ingest-token'),
    viewToken: join(keys, 'view-token'),
    mailmap: join(dir, 'mailmap'),
    writerLock: join(dir, 'writer.lock'),
    sources: join(dir, 'sources'),
    shards: join(dir, 'shards'),
    spill: join(dir, 'spill'),
  };
}
