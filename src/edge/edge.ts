// The edge stage (DESIGN §1, §5): every input record passes here once, whatever carried it (an
// intake route, `gitrail ingest`, a live source), between reading and the journal. A record
// nested too deeply is refused before its normaliser recurses into it; a normaliser that throws
// refuses only its record; every change and fact it yields is checked (edge/check-record.ts).
// One refused part refuses the whole record: a record is never half-kept. Pure.
import type { ChangeBatch } from '../domain/batch.ts';
import type { AttributionFact, ChangeRecord, NormaliseResult } from '../domain/change.ts';
import { checkChange, checkFact } from './check-record.ts';
import { nestingDepth } from './depth.ts';
import type { EdgeContext } from './limits.ts';

/** The result with every change and fact checked and cleaned; rejected when any of them is refused. */
export function checkResult(result: NormaliseResult, ctx: EdgeContext): NormaliseResult {
  if (result.kind === 'rejected') return result;
  const facts: AttributionFact[] = [];
  for (const fact of result.facts ?? []) {
    const checked = checkFact(fact, ctx);
    if (!checked.ok) return { kind: 'rejected', reason: checked.reason };
    facts.push(checked.value);
  }
  const withFacts = facts.length > 0 ? { facts } : {};
  if (result.kind === 'ignored') return { kind: 'ignored', reason: result.reason, ...withFacts };
  const changes: ChangeRecord[] = [];
  for (const change of result.changes) {
    const checked = checkChange(change, ctx);
    if (!checked.ok) return { kind: 'rejected', reason: checked.reason };
    changes.push(checked.value);
  }
  return { kind: 'changes', changes, ...withFacts };
}

/**
 * Normalises one input record at the edge: its depth first, then its normaliser (`onError` hears
 * of a normaliser that throws: a bug to log), then what that yields.
 */
export function normaliseAtEdge(
  input: unknown,
  normalise: (input: unknown) => NormaliseResult,
  ctx: EdgeContext,
  onError?: (error: unknown) => void,
): NormaliseResult {
  const { maxDepth } = ctx.limits;
  if (nestingDepth(input, maxDepth) > maxDepth)
    return { kind: 'rejected', reason: `the record is nested deeper than ${maxDepth} levels` };
  let result: NormaliseResult;
  try {
    result = normalise(input);
  } catch (error) {
    onError?.(error);
    return {
      kind: 'rejected',
      reason: `cannot be normalised: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return checkResult(result, ctx);
}

export interface CheckedBatch {
  readonly batch: ChangeBatch;
  /** Why each refused change or fact was refused. */
  readonly refused: readonly string[];
}

/**
 * A live source's batch, checked record by record (its raw input was the source's to read):
 * refused changes and facts are left out and counted as rejected.
 */
export function checkBatch(batch: ChangeBatch, ctx: EdgeContext): CheckedBatch {
  const refused: string[] = [];
  const keep = <T>(checked: { ok: true; value: T } | { ok: false; reason: string }): T[] => {
    if (checked.ok) return [checked.value];
    refused.push(checked.reason);
    return [];
  };
  const changes = batch.changes.flatMap((change) => keep(checkChange(change, ctx)));
  const facts = batch.facts.flatMap((fact) => keep(checkFact(fact, ctx)));
  if (refused.length === 0) return { batch: { ...batch, changes, facts }, refused };
  return { batch: { ...batch, changes, facts, rejected: batch.rejected + refused.length }, refused };
}
