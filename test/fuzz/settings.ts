// How long and how hard the fuzzing suite looks (issue 10). Under `npm test` each property runs
// a bounded number of cases (GITRAIL_FUZZ_RUNS overrides it); `npm run fuzz` (scripts/fuzz.ts)
// gives each property GITRAIL_FUZZ_SECONDS instead. A failing case is saved, shrunk, under
// test/fuzz/regressions/<property>/ and replayed first by every later run: commit it with the fix.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

const REGRESSIONS = join(import.meta.dirname, 'regressions');

function envNumber(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${text} is not a positive number`);
  return value;
}

/** The saved failing inputs of a property, oldest first. */
function regressions(property: string): unknown[] {
  const dir = join(REGRESSIONS, property);
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names.sort().map((name) => (JSON.parse(readFileSync(join(dir, name), 'utf8')) as { input: unknown }).input);
}

function saveRegression(property: string, input: unknown, seed: number, reason: string): string {
  const text = JSON.stringify(input);
  const name = `${createHash('sha256').update(text).digest('hex').slice(0, 16)}.json`;
  const dir = join(REGRESSIONS, property);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, `${JSON.stringify({ found: new Date().toISOString(), seed, reason, input }, null, 1)}\n`);
  return file;
}

export interface FuzzOptions {
  /** Cases per `npm test` run. */
  readonly runs: number;
  /** What the cases came to (`committed`, `rejected`, …), counted by the predicate: shown in the report. */
  readonly outcomes?: Map<string, number>;
}

/** Adds one to an outcome count. */
export function count(outcomes: Map<string, number>, outcome: string): void {
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
}

/**
 * Checks `predicate` (throws on failure) on inputs from `arbitrary`, replaying the saved
 * regressions first. Inputs must be JSON values: a failing one is saved as JSON.
 */
export async function fuzz<T>(
  property: string,
  arbitrary: fc.Arbitrary<T>,
  predicate: (input: T) => void | Promise<void>,
  options: FuzzOptions,
): Promise<void> {
  const seconds = envNumber('GITRAIL_FUZZ_SECONDS');
  const runs = envNumber('GITRAIL_FUZZ_RUNS') ?? options.runs;
  const seed = envNumber('GITRAIL_FUZZ_SEED') ?? Math.floor(Math.random() * 2 ** 31);
  const examples = regressions(property) as T[];
  let cases = 0;
  const started = performance.now();
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (input) => {
      cases += 1;
      await predicate(input);
    }),
    {
      seed,
      examples: examples.map((example) => [example] as [T]),
      ...(seconds === undefined
        ? { numRuns: runs }
        : { numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false }),
    },
  );
  const report = process.env['GITRAIL_FUZZ_REPORT'];
  if (report)
    appendFileSync(
      report,
      `${JSON.stringify({
        property,
        cases,
        ms: Math.round(performance.now() - started),
        failed: details.failed,
        seed,
        outcomes: Object.fromEntries(options.outcomes ?? []),
      })}\n`,
    );
  if (!details.failed) return;
  const input = details.counterexample?.[0];
  const reason = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const saved = input === undefined ? '(no counterexample)' : saveRegression(property, input, seed, reason);
  const shown = JSON.stringify(input);
  assert.fail(
    `${property} failed: ${reason}\non ${shown.length > 4000 ? `${shown.slice(0, 4000)}…` : shown}\n` +
      `saved as ${saved} (GITRAIL_FUZZ_SEED=${seed}, ${details.numRuns} cases, shrunk ${details.numShrinks} times)`,
  );
}
