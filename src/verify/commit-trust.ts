// The viewer's "verified" badge: whether a commit's SSH signature holds for a key the data
// folder's allowed_signers allows at its committer time, as `git verify-commit` would say.
// Commits never change, so answers are remembered (a bounded number of them).
import { existsSync, statSync } from 'node:fs';
import { readRawObjects } from '../ledger/raw-objects.ts';
import type { AllowedSigner } from '../signing/allowed-signers.ts';
import { readSigners } from '../signing/key-store.ts';
import { SignatureChecker } from './signature-checker.ts';
import { splitSignedCommit } from './signed-commit.ts';

export interface CommitStatus {
  readonly verified: boolean;
  /** Why not, or which key signed. */
  readonly detail: string;
}

const REMEMBERED = 50_000;

export class CommitTrust {
  readonly #gitdir: string;
  readonly #signersFile: string;
  #signers: { mtimeMs: number; checker: SignatureChecker } | null = null;
  readonly #known = new Map<string, CommitStatus>();

  constructor(gitdir: string, signersFile: string) {
    this.#gitdir = gitdir;
    this.#signersFile = signersFile;
  }

  #checker(): SignatureChecker {
    const mtimeMs = existsSync(this.#signersFile) ? statSync(this.#signersFile).mtimeMs : 0;
    if (this.#signers?.mtimeMs !== mtimeMs) {
      const signers: AllowedSigner[] = mtimeMs ? readSigners(this.#signersFile) : [];
      this.#signers = { mtimeMs, checker: new SignatureChecker(signers) };
      this.#known.clear();
    }
    return this.#signers.checker;
  }

  async statuses(shas: readonly string[]): Promise<Map<string, CommitStatus>> {
    const checker = this.#checker();
    const unknown = shas.filter((sha) => !this.#known.has(sha) && /^[0-9a-f]{40}$/.test(sha));
    if (unknown.length > 0)
      await readRawObjects(this.#gitdir, unknown, (object) => {
        if (object.type !== 'commit') return;
        const commit = splitSignedCommit(object.content);
        const problem = checker.check(commit.signature, commit.payload, commit.committerTime);
        if (this.#known.size >= REMEMBERED) this.#known.clear();
        this.#known.set(object.oid, { verified: problem === null, detail: problem ?? 'signature verified' });
      });
    return new Map(shas.flatMap((sha) => (this.#known.has(sha) ? [[sha, this.#known.get(sha) as CommitStatus]] : [])));
  }
}
