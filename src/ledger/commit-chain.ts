// The commits of the writer's branches as they are made: each commit's id covers its signature
// and names its parent's id, so they come one after the other, but the last one may still be
// being signed on the signing thread (commit-signer.ts) while the writer builds the next one's
// blob and tree. Whatever needs that commit's id (its child, a branch head, a flush) settles it
// first, so the commits, their ids and their order are those of signing in line.
import type { IndexedCommit } from '../index/index-db.ts';
import type { SigningKey } from '../signing/ssh-key.ts';
import { signSsh } from '../signing/sshsig.ts';
import { CommitSigner } from './commit-signer.ts';
import { type CommitFields, type GitObject, makeObject, serializeCommit } from './objects.ts';

/** What the index records of a commit, but its id. */
export type CommitFacts = Omit<IndexedCommit, 'sha'>;

/** A branch as the chain sees it: its head moves when one of its commits is settled. */
export interface ChainBranch {
  head: string | null;
}

/** A commit written: reading its id waits for its signature when it is still being made. */
export interface Written {
  readonly oid: string;
}

interface InFlight {
  readonly branch: ChainBranch;
  readonly facts: CommitFacts;
  oid: string | null;
}

/**
 * Bulk writing hands signatures to the thread once this many commits were written: a writer that
 * commits a few changes at a time (tests, the CLI, a quiet daemon) never starts it.
 */
export const SIGN_ON_THREAD_AFTER = 256;

export class CommitChain {
  readonly #key: SigningKey | null;
  readonly #land: (commit: GitObject, facts: CommitFacts) => void;
  readonly #threadAfter: number;
  #signer: CommitSigner | null = null;
  #written = 0;
  #inFlight: InFlight | null = null;

  /** `land`: takes each commit once signed (stages it, records it for the index), in order. */
  constructor(
    key: SigningKey | null,
    land: (commit: GitObject, facts: CommitFacts) => void,
    threadAfter = SIGN_ON_THREAD_AFTER,
  ) {
    this.#key = key;
    this.#land = land;
    this.#threadAfter = threadAfter;
  }

  /** Whether a commit is still being signed. */
  get busy(): boolean {
    return this.#inFlight !== null;
  }

  /** The branch's head, once a commit of it being signed is settled. */
  headOf(branch: ChainBranch): string | null {
    if (this.#inFlight?.branch === branch) this.settle();
    return branch.head;
  }

  /** Whether `branch` has a commit being signed (its head is about to be one). */
  writing(branch: ChainBranch): boolean {
    return this.#inFlight?.branch === branch;
  }

  /**
   * Writes a commit on `branch`, the child of its head (settled first); signed, it lands in
   * order. The answer's id is known once the commit is signed.
   */
  write(branch: ChainBranch, fields: Omit<CommitFields, 'parent'>, facts: Omit<CommitFacts, 'parent'>): Written {
    this.settle();
    const parent = branch.head;
    const signer = this.#signerFor();
    if (!signer) {
      const key = this.#key;
      const sign = key ? (payload: Uint8Array) => signSsh(key, payload) : undefined;
      const commit = makeObject('commit', serializeCommit({ ...fields, parent }, sign));
      this.#settled(branch, commit, { ...facts, parent });
      return { oid: commit.oid };
    }
    signer.start(serializeCommit({ ...fields, parent }));
    const inFlight: InFlight = { branch, facts: { ...facts, parent }, oid: null };
    this.#inFlight = inFlight;
    const settle = () => this.settle();
    return {
      get oid() {
        if (inFlight.oid === null) settle();
        return inFlight.oid as unknown as string;
      },
    };
  }

  /** Lands the commit being signed, waiting for its signature if need be. */
  settle(): void {
    const inFlight = this.#inFlight;
    if (!inFlight) return;
    this.#inFlight = null;
    const commit = (this.#signer as CommitSigner).finish();
    inFlight.oid = commit.oid;
    this.#settled(inFlight.branch, commit, inFlight.facts);
  }

  /** Commits signed on the thread and by the writer (after the first ones, always by the writer). */
  get signedOnThread(): number {
    return this.#signer?.counts.thread ?? 0;
  }

  close(): void {
    this.#signer?.close();
    this.#signer = null;
  }

  #settled(branch: ChainBranch, commit: GitObject, facts: CommitFacts): void {
    branch.head = commit.oid;
    this.#land(commit, facts);
  }

  #signerFor(): CommitSigner | null {
    this.#written += 1;
    if (!this.#key || this.#written <= this.#threadAfter) return null;
    this.#signer ??= new CommitSigner(this.#key);
    return this.#signer;
  }
}
