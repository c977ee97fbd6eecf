// The gitrail.yaml sections of the live sources and their cross-field rules, derived from the
// registry (live-kinds.ts). Light: the configuration loader uses it without loading the client
// libraries (each kind's `live.ts` imports its source module only when building).
import { z } from 'zod';
import { LIVE_SOURCE_KINDS, type LiveSourceKinds } from './live-kinds.ts';

type LiveSourcesShape = {
  readonly [Kind in LiveSourceKinds as Kind['key']]: z.ZodDefault<z.ZodArray<Kind['item']>>;
};

/** The gitrail.yaml keys of the live sources, to be merged into the top-level schema. */
export const liveSourcesShape = Object.fromEntries(
  LIVE_SOURCE_KINDS.map((kind) => [kind.key, z.array(kind.item).default([]).describe(kind.description)]),
) as unknown as LiveSourcesShape;

export const LiveSourcesConfig = z.object(liveSourcesShape).describe('live sources');
export type LiveSourcesConfig = z.infer<typeof LiveSourcesConfig>;

/** The entries of one kind's section (absent when the config was built by hand without it). */
export function entriesOf(config: LiveSourcesConfig, kind: LiveSourceKinds): readonly unknown[] {
  return (config as Record<string, readonly unknown[] | undefined>)[kind.key] ?? [];
}

/** Cross-field rules: the problems (each naming its key), empty when the configuration is coherent. */
export function checkLiveSources(config: LiveSourcesConfig): string[] {
  const problems: string[] = [];
  for (const kind of LIVE_SOURCE_KINDS) {
    const seen = new Map<string, number>();
    const targets = kind.targets as (entry: unknown, index: number) => ReturnType<typeof kind.targets>;
    entriesOf(config, kind).forEach((entry, index) => {
      for (const target of targets(entry, index)) {
        const first = seen.get(target.key);
        if (first === undefined) seen.set(target.key, index);
        else problems.push(target.duplicate(first, index));
      }
    });
  }
  return problems;
}
