// The commits of the writer's branches as they are made. Each commit's id covers its signature
// and its child names that id; in bulk, the signing thread (commit-signer.ts) makes that chain
// while the writer goes on building blobs and trees, and the writer lands the signed commits in
// order (staged, recorded for the index, its branch's head moved) as they come back. Whatever
// needs an id first (a branch head, a period's roll-over, a flush, a caller reading a commit's
// id) settles what is outstanding: the commits, their ids and their order are those of signing
// each in line.
import type { IndexedCommit } from '../index/index-db.ts';
import type { SigningKey } from '../signing/ssh-key.ts';
import { signSsh } from '../signing/sshsig.ts';
import { CommitSigner } from './commit-signer.ts';
import { type CommitFields, type GitObject, makeObject, serializeCommit } from './objects.ts';
import { SLOTS } from './signer-ring.ts';

/** What the index records of a commit, but its id. */
export type CommitFacts = Omit<IndexedCommit, 'sha'>;

/** A branch as the chain sees it: its head moves when one of its commits lands. */
export interface ChainBranch {
  head: string | null;
}

/** A commit written: reading its id waits for its signature when it is still being made. */
export interface Written {
  readonly oid: string;
}

interface Outstanding {
  readonly branch: ChainBranch;
  readonly facts: Omit<CommitFacts, 'parent'>;
  oid: string | null;
}

/**
 * Bulk writing hands signatures to the thread once this many commits were written: a writer that
 * commits a few changes at a time (tests, the CLI, a quiet daemon) never starts it.
 */
export const SIGN_ON_THREAD_AFTER = 64;

export class CommitChain {
  readonly #key: SigningKey | null;
  readonly #land: (commit: GitObject, facts: CommitFacts) => void;
  readonly #threadAfter: number;
  #signer: CommitSigner | null = null;
  #written = 0;
  /** Commits posted to the thread and not landed yet, oldest first. */
  readonly #outstanding: Outstanding[] = [];
  /** Per branch: its number in the ring, and how many of its commits are outstanding. */
  readonly #branches = new Map<ChainBranch, { readonly id: number; outstanding: number }>();

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

  /** Commits written and not landed yet. */
  get outstanding(): number {
    return this.#outstanding.length;
  }

  /** Commits the thread signed (the rest were signed in line). */
  get signedOnThread(): number {
    return this.#signer?.counts.thread ?? 0;
  }

  /** The branch's head, once its outstanding commits landed. */
  headOf(branch: ChainBranch): string | null {
    if (this.writing(branch)) this.settle();
    return branch.head;
  }

  /** Whether `branch` has commits outstanding (its head is about to move). */
  writing(branch: ChainBranch): boolean {
    return (this.#branches.get(branch)?.outstanding ?? 0) > 0;
  }

  /**
   * Writes a commit on `branch`, the child of its last commit; signed, it lands in order. The
   * answer's id is known once the commit is signed.
   */
  write(branch: ChainBranch, fields: Omit<CommitFields, 'parent'>, facts: Omit<CommitFacts, 'parent'>): Written {
    const signer = this.#signerFor();
    if (signer) {
      this.#landSigned(false);
      if (signer.pending === SLOTS) this.#landOne(signer, true);
      const state = this.#stateOf(branch);
      const parent = state.outstanding > 0 ? 'follow' : branch.head;
      if (signer.post(serializeCommit({ ...fields, parent: null }), state.id, parent)) {
        const outstanding: Outstanding = { branch, facts, oid: null };
        this.#outstanding.push(outstanding);
        state.outstanding += 1;
        const settle = () => this.settle();
        return {
          get oid() {
            if (outstanding.oid === null) settle();
            return outstanding.oid as string;
          },
        };
      }
    }
    this.settle();
    const key = this.#key;
    const parent = branch.head;
    const sign = key ? (payload: Uint8Array) => signSsh(key, payload) : undefined;
    const commit = makeObject('commit', serializeCommit({ ...fields, parent }, sign));
    branch.head = commit.oid;
    this.#land(commit, { ...facts, parent });
    return { oid: commit.oid };
  }

  /** Lands every outstanding commit, waiting for the signatures still being made. */
  settle(): void {
    this.#landSigned(true);
  }

  close(): void {
    this.#signer?.close();
    this.#signer = null;
  }

  #landSigned(wait: boolean): void {
    const signer = this.#signer;
    while (signer && this.#outstanding.length > 0 && this.#landOne(signer, wait));
  }

  #landOne(signer: CommitSigner, wait: boolean): boolean {
    const commit = signer.next(wait);
    if (!commit) return false;
    const outstanding = this.#outstanding.shift() as Outstanding;
    const { branch, facts } = outstanding;
    (this.#branches.get(branch) as { outstanding: number }).outstanding -= 1;
    const parent = branch.head;
    outstanding.oid = commit.oid;
    branch.head = commit.oid;
    this.#land(commit, { ...facts, parent });
    return true;
  }

  #stateOf(branch: ChainBranch): { readonly id: number; outstanding: number } {
    let state = this.#branches.get(branch);
    if (!state) this.#branches.set(branch, (state = { id: this.#branches.size, outstanding: 0 }));
    return state;
  }

  #signerFor(): CommitSigner | null {
    this.#written += 1;
    if (!this.#key || this.#written <= this.#threadAfter) return null;
    this.#signer ??= new CommitSigner(this.#key);
    return this.#signer;
  }
}
