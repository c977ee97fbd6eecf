// Fuzzing, issue 10: what the edge lets through, journaled (a JSON round trip) and applied by the
// real ledger to a fresh repository, case by case. Every commit passes `git fsck --strict`, no
// commit header carries a control or format character, no planted secret reaches a git object
// or a data file, and nothing fails in the ledger but a file grown past the size limit.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { AttributionFact, ChangeRecord } from '../../src/domain/change.ts';
import { GitrailError } from '../../src/domain/errors.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { fsckStrict, git } from '../helpers/git.ts';
import { assertNoSecrets } from '../helpers/secrets.ts';
import { FUZZ_NOW } from './arbitraries.ts';
import { FUZZ_INPUTS, FUZZ_KINDS, type FuzzCase, type FuzzKind } from './inputs.ts';
import { normaliseCase } from './normalise-case.ts';
import { count, fuzz } from './settings.ts';

const INVISIBLE_IN_HEADER = /[\p{Cf}\u2028\u2029]|[^\P{Cc}\n]/u;

/** Every commit object's text: headers and message. */
function commitTexts(gitdir: string): string[] {
  const refs = git(gitdir, 'for-each-ref', '--format=%(refname)').trim();
  if (refs === '') return [];
  const shas = git(gitdir, 'rev-list', '--all').trim().split('\n');
  return shas.map((sha) => git(gitdir, 'cat-file', 'commit', sha));
}

async function applyCases(kind: FuzzKind, cases: readonly FuzzCase[], outcomes: Map<string, number>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gitrail-fuzz-'));
  try {
    const ledger = await Ledger.open({ dataDir, now: () => FUZZ_NOW });
    try {
      for (const { input } of cases) {
        for (const result of normaliseCase(kind, input)) {
          count(outcomes, result.kind);
          if (result.kind === 'rejected') continue;
          // What the journal gives the drainer back.
          const journaled = JSON.parse(
            JSON.stringify({ changes: result.kind === 'changes' ? result.changes : [], facts: result.facts ?? [] }),
          ) as { changes: ChangeRecord[]; facts: AttributionFact[] };
          for (const record of journaled.changes) {
            try {
              count(outcomes, (await ledger.apply({ record })).outcome);
            } catch (error) {
              count(outcomes, 'grown past the limit');
              const grown = error instanceof GitrailError && /would be \d+ bytes of YAML/.test(error.message);
              assert.ok(grown, `the ledger failed on what the edge let through: ${String(error)}`);
            }
          }
          if (journaled.facts.length > 0) ledger.index.recordFacts(journaled.facts);
        }
      }
    } finally {
      await ledger.close();
    }
    const gitdir = join(dataDir, 'repo.git');
    fsckStrict(gitdir);
    for (const text of commitTexts(gitdir))
      assert.ok(
        !INVISIBLE_IN_HEADER.test(text),
        `a commit holds a control or format character:\n${JSON.stringify(text)}`,
      );
    const secrets = cases.flatMap((entry) => entry.secrets);
    if (secrets.length > 0) assertNoSecrets(dataDir, secrets);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

for (const kind of FUZZ_KINDS) {
  test(`fuzz ${kind} into a repository: fsck-clean commits, clean headers, no secret stored`, async (t) => {
    const outcomes = new Map<string, number>();
    await fuzz(
      `ledger-${kind}`,
      fc.array(FUZZ_INPUTS[kind], { minLength: 1, maxLength: 5 }),
      (cases) => applyCases(kind, cases, outcomes),
      { runs: 6, outcomes },
    );
    t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
  });
}
