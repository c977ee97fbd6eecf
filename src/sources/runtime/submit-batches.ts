// Hands what a poll normalised to the journal in batches of at most `batchSize` changes (one
// journal entry each), attribution facts and the counts with the first, so a large poll never
// becomes one huge journal entry. Nothing at all to say: nothing is submitted.
import type { AttributionFact, ChangeRecord } from '../../domain/change.ts';
import type { SourceContext } from '../source.ts';

export interface Normalised {
  readonly changes: readonly ChangeRecord[];
  readonly facts: readonly AttributionFact[];
  readonly ignored: number;
  readonly rejected: number;
}

export async function submitInBatches(
  ctx: SourceContext,
  source: string,
  { changes, facts, ignored, rejected }: Normalised,
  batchSize = 500,
): Promise<void> {
  if (changes.length === 0 && facts.length === 0 && ignored === 0 && rejected === 0) return;
  for (let at = 0; at === 0 || at < changes.length; at += batchSize) {
    await ctx.submit({
      source,
      receivedAt: ctx.now(),
      changes: changes.slice(at, at + batchSize),
      facts: at === 0 ? facts : [],
      ignored: at === 0 ? ignored : 0,
      rejected: at === 0 ? rejected : 0,
    });
  }
}
