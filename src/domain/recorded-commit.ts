// A commit as the index records it: what the viewer, the investigator and the policies read.
// It lives on the ground floor so that pure stages can take it without importing the index.
import type { Branch } from './change.ts';

/** How a commit changed one file: added, modified or deleted (git's status letters). */
export type ChangeOp = 'A' | 'M' | 'D';

export interface CommitRow {
  readonly sha: string;
  readonly branch: Branch;
  readonly parent: string | null;
  /** Author time, epoch ms. */
  readonly time: number;
  readonly author: { readonly name: string; readonly email: string };
  readonly subject: string;
  readonly body: string;
  readonly trailers: Readonly<Record<string, string>>;
  readonly changes: ReadonlyArray<{ readonly path: string; readonly op: ChangeOp; readonly blob: string | null }>;
}

/** True when the sender merely asserted who acted (`Attribution: claimed`): shown as such, never as verified. */
export function isClaimed(commit: Partial<Pick<CommitRow, 'trailers'>>): boolean {
  return commit.trailers?.['Attribution'] === 'claimed';
}

/** The author's name as people read it: `gina@example.com (claimed)` when the sender asserted it. */
export function authorLabel(commit: Pick<CommitRow, 'author'> & Partial<Pick<CommitRow, 'trailers'>>): string {
  return isClaimed(commit) ? `${commit.author.name} (claimed)` : commit.author.name;
}
