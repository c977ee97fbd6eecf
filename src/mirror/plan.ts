// What a mirror asks the remote to do with its branches (pure): push every configured branch
// whose head differs from the remote's, never forced, and nothing else: a branch the remote
// already holds at the same commit is left out, so no `old = new` update reaches its hooks.
// Checkpoints, time-stamps and archived periods are pushed by push-proof.ts.
import type { Branch } from '../domain/change.ts';
import { ruleOfLineRef } from '../ledger/periods.ts';

/** `from` is the remote's value (null when it has none). */
export interface RefUpdate {
  readonly ref: string;
  readonly from: string | null;
  readonly to: string;
}

export type RefResult =
  | { readonly ref: string; readonly kind: 'pushed'; readonly to: string }
  | { readonly ref: string; readonly kind: 'rejected'; readonly message: string };

/** The configured branches' refs among `refs`; `activity` brings each retention rule's `activity-<rule>` line. */
export function mirroredRefs(refs: ReadonlyMap<string, string>, branches: readonly Branch[]): Map<string, string> {
  const wanted = new Set(branches.map((branch) => `refs/heads/${branch}`));
  const lines = branches.includes('activity');
  return new Map([...refs].filter(([ref]) => wanted.has(ref) || (lines && ruleOfLineRef(ref) !== null)));
}

/** The updates that bring the remote level with `local` (both already limited to mirrored refs). */
export function planPush(local: ReadonlyMap<string, string>, remote: ReadonlyMap<string, string>): RefUpdate[] {
  return [...local]
    .filter(([ref, sha]) => remote.get(ref) !== sha)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([ref, sha]) => ({ ref, from: remote.get(ref) ?? null, to: sha }));
}

/** The remote's refs once the accepted updates are applied. */
export function applyResults(remote: ReadonlyMap<string, string>, results: readonly RefResult[]): Map<string, string> {
  const after = new Map(remote);
  for (const result of results) if (result.kind === 'pushed') after.set(result.ref, result.to);
  return after;
}

/** `main` for refs/heads/main, else the full ref name: how outcomes are shown and labelled. */
export function shortRef(ref: string): string {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
}
