// Fuzzing, issue 10: every parser and normaliser (audit, CloudTrail, EventBridge, generic,
// admission, object dumps) on structured nasty input. Nothing throws, everything the edge lets
// through satisfies the invariants (invariants.ts), no planted secret survives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NormaliseResult } from '../../src/domain/change.ts';
import { FUZZ_INPUTS, FUZZ_KINDS } from './inputs.ts';
import { assertEdgeResult, assertNoSecretIn } from './invariants.ts';
import { normaliseCase, PATH_PREFIX } from './normalise-case.ts';
import { count, fuzz } from './settings.ts';

for (const kind of FUZZ_KINDS) {
  test(`fuzz ${kind}: normalised at the edge, never throwing, invariants kept, no secret left`, async (t) => {
    const outcomes = new Map<string, number>();
    await fuzz(
      `normalise-${kind}`,
      FUZZ_INPUTS[kind],
      ({ input, secrets }) => {
        const results = normaliseCase(kind, input);
        for (const result of results) {
          count(outcomes, result.kind);
          assertEdgeResult(result, PATH_PREFIX[kind]);
        }
        assertNoSecretIn(results, secrets);
        if (kind === 'generic') assertKeysKept(input, results);
      },
      { runs: 120, outcomes },
    );
    t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
  });
}

/** A generic object's keys all reach the document (a `__proto__` key once vanished). */
function assertKeysKept(input: unknown, results: readonly NormaliseResult[]): void {
  const object = (input as { object?: unknown } | null)?.object;
  const [result] = results;
  if (result?.kind !== 'changes' || object === null || typeof object !== 'object' || Array.isArray(object)) return;
  const update = result.changes[0]?.update;
  if (update?.kind !== 'put') return;
  for (const key of Object.keys(object))
    assert.ok(Object.hasOwn(update.doc, key), `key ${JSON.stringify(key)} was lost`);
}
