// `gitrail verify`: what an auditor checks with git and OpenSSH, at once and in-process. Every
// commit's signature against the allowed signers, the checkpoint chain (signatures, links,
// signature hashes), that each checkpoint's heads are kept by the next and by the refs, with
// `--data` that the index and journal agree with git, and against each witness that it holds
// the same checkpoints and a history this one contains.
import type { AllowedSigner } from '../signing/allowed-signers.ts';
import { checkCoverage, checkNothingBefore } from './checkpoint-coverage.ts';
import { readCheckpointChain } from './checkpoint-chain.ts';
import { checkDataFolder } from './data-folder.ts';
import { readHistory, readRefs } from './history.ts';
import type { Problem, VerifyReport } from './report.ts';
import { SignatureChecker } from './signature-checker.ts';
import { checkTimestamps } from './timestamps.ts';
import { checkWitness } from './witness.ts';

export interface VerifyOptions {
  readonly gitdir: string;
  /** The data folder, for index, journal and checkpoint-record checks. */
  readonly dataDir?: string;
  readonly signers: readonly AllowedSigner[];
  /** Mirrors (URLs or paths) to compare with. */
  readonly witnesses?: readonly string[];
}

export async function verifyRepository(options: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  const problems: Problem[] = [];
  const notes: string[] = [];
  const checker = new SignatureChecker(options.signers);
  const refs = await readRefs(options.gitdir);
  const chainProblems: Problem[] = [];
  const chain = await readCheckpointChain(options.gitdir, refs, checker, chainProblems);
  const named = chain.flatMap(({ facts }) => [
    facts.main,
    facts.activity,
    ...facts.lines.map((line) => line.head),
    ...facts.archived.map((period) => period.head),
  ]);
  const checkpointHeads = named.filter((head): head is string => head !== null);
  const history = await readHistory(
    options.gitdir,
    refs,
    checkpointHeads,
    checker,
    problems,
    options.dataDir !== undefined,
  );
  problems.push(...chainProblems);
  if (chain.length === 0 && history.commits.size > 0)
    problems.push({
      object: 'checkpoints',
      reason: 'none in the repository: nothing proves the branches were not rewound (fetch refs/tags/checkpoints/*)',
    });
  // Commits slipped in before a checkpoint and commits gone from history name the commits
  // themselves; what the branches no longer hold follows.
  checkNothingBefore(history, chain, problems);
  if (options.dataDir !== undefined) checkDataFolder(options.dataDir, history, chain, problems, notes);
  checkCoverage(history, chain, problems);
  // A loss of checkpoints an operator accepted (cluster mode) is signed, not hidden: say so.
  for (const { name, facts } of chain)
    if (facts.chainReset) notes.push(`checkpoint ${name}: the chain was reset; Chain-Reset: ${facts.chainReset}`);
  const stamped = await checkTimestamps(options.gitdir, refs, problems);
  if (stamped) notes.push(stamped);
  const digests = history.logFileDigests;
  if (Object.keys(digests).length > 0)
    notes.push(
      `CloudTrail log files (Log-File-Digest): ${digests['verified'] ?? 0} commits from files their digests verify, ` +
        `${digests['unverified'] ?? 0} from files no verified digest covers`,
    );
  for (const witness of options.witnesses ?? []) await checkWitness(options.gitdir, witness, history, problems);
  const newest = [...chain].sort((a, b) => b.facts.number - a.facts.number)[0];
  return {
    ok: problems.length === 0,
    problems,
    notes,
    commits: [...history.commits.values()].filter((commit) => commit.reachable).length,
    checkpoints: chain.length,
    lastCheckpoint: newest
      ? { name: newest.name, time: new Date(newest.tag.taggerTime).toISOString(), number: newest.facts.number }
      : null,
    signers: Object.fromEntries(checker.used),
    millis: Math.round(performance.now() - started),
  };
}
