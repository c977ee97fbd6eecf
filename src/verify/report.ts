// What `gitrail verify` found: problems, each naming the object it concerns (`commit <sha>`,
// `checkpoint <name>`, `index`, `witness <url>`…), in the order they were found, and what was
// checked, so an auditor sees both what failed and how much was proven.

export interface Problem {
  readonly object: string;
  readonly reason: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly problems: readonly Problem[];
  readonly notes: readonly string[];
  readonly commits: number;
  readonly checkpoints: number;
  readonly lastCheckpoint: { readonly name: string; readonly time: string; readonly number: number } | null;
  /** Fingerprint → objects it signed. */
  readonly signers: Readonly<Record<string, number>>;
  readonly millis: number;
}

export function formatProblem(problem: Problem): string {
  return `${problem.object}: ${problem.reason}`;
}
