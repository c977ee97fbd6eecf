// Builds the configured live sources from the registry of kinds (live-kinds.ts): one Source per
// cluster, one per account and region for CloudTrail. Adding a live source is one folder (with
// its `live.ts`) and one line in live-kinds.ts; registry.test.ts and contract.test.ts run the
// contract on each. A kind's module (and its client library) is imported only when that kind is
// configured: @kubernetes/client-node and the AWS SDKs would double the start-up time of every command.
import { entriesOf, type LiveSourcesConfig } from './live-config.ts';
import type { LiveSourceBaseDeps } from './live-kind.ts';
import { LIVE_SOURCE_KINDS, type LiveSourceKinds } from './live-kinds.ts';
import type { Source } from './source.ts';

type ExtrasOf<Kind> = Kind extends { build(entries: never, deps: never, extras: infer Extras): unknown }
  ? Exclude<Extras, undefined>
  : never;

/**
 * What every live source needs from the composition root, plus per-kind extras under the kind's
 * gitrail.yaml key (a ready KubeConfig, SDK client settings), for tests and special setups.
 */
export type LiveSourceDeps = LiveSourceBaseDeps & {
  readonly [Kind in LiveSourceKinds as Kind['key']]?: ExtrasOf<Kind>;
};

export const LIVE_SOURCES: readonly LiveSourceKinds[] = LIVE_SOURCE_KINDS;

/** Every configured live source, ready to `run`. Call checkLiveSources (live-config.ts) first. */
export async function buildLiveSources(config: LiveSourcesConfig, deps: LiveSourceDeps): Promise<Source[]> {
  const built = LIVE_SOURCE_KINDS.map((kind) => {
    const build = kind.build as (
      entries: readonly unknown[],
      deps: LiveSourceBaseDeps,
      extras: unknown,
    ) => Promise<Source[]>;
    return build(entriesOf(config, kind), deps, deps[kind.key]);
  });
  return (await Promise.all(built)).flat();
}
