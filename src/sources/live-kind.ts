// The contract of a live source kind: its gitrail.yaml key and section (a zod item schema and a
// description), the targets it reads (two entries reading one target are a configuration error)
// and how it builds Source instances. Each kind exports one from its folder's `live.ts`, which
// must stay light: the kind's module (and its client library) is imported inside `build`, only
// when the kind is configured. The registry (live-kinds.ts) is the only list of them.
import type { z } from 'zod';
import type { NoiseRules } from '../normalise/noise.ts';
import type { Redact } from '../normalise/redact.ts';
import type { Source } from './source.ts';

/** What every live source may take from the composition root. */
export interface LiveSourceBaseDeps {
  readonly redact: Redact;
  /** Key names hashed wherever they appear (lower case). */
  readonly sensitiveKeys?: ReadonlySet<string>;
  /** Noise rules per `<group>/<resource>` (Kubernetes). */
  readonly noiseRules?: (groupResource: string) => NoiseRules;
}

/** One thing an entry reads: `key` is compared across entries; `duplicate` says what a second reader of it is. */
export interface LiveTarget {
  readonly key: string;
  /** The problem when entry `index` reads a target entry `first` reads too (`first` may equal `index`). */
  duplicate(first: number, index: number): string;
}

export interface LiveSourceKind<Key extends string, Item extends z.ZodType, Extras> {
  /** The gitrail.yaml key (a list of `item`). */
  readonly key: Key;
  /** The folder under src/sources. */
  readonly folder: string;
  readonly item: Item;
  /** What the key configures, for the JSON schema. */
  readonly description: string;
  targets(entry: z.output<Item>, index: number): readonly LiveTarget[];
  /** The sources of the configured entries; `extras` are per-kind settings (tests, special setups). */
  build(entries: readonly z.output<Item>[], deps: LiveSourceBaseDeps, extras: Extras | undefined): Promise<Source[]>;
}

/** Declares a kind, keeping its key's literal type (the config type is derived from it). */
export function liveSourceKind<const Key extends string, Item extends z.ZodType, Extras>(
  kind: LiveSourceKind<Key, Item, Extras>,
): LiveSourceKind<Key, Item, Extras> {
  return kind;
}

/** What every kind takes; noise rules are the Kubernetes sources' alone (`withNoise`). */
export function commonDeps(deps: LiveSourceBaseDeps): Pick<LiveSourceBaseDeps, 'redact' | 'sensitiveKeys'> {
  return { redact: deps.redact, ...(deps.sensitiveKeys ? { sensitiveKeys: deps.sensitiveKeys } : {}) };
}

/** The common deps and the noise rules, for the sources writing Kubernetes paths. */
export function withNoise(deps: LiveSourceBaseDeps): LiveSourceBaseDeps {
  return { ...commonDeps(deps), ...(deps.noiseRules ? { noiseRules: deps.noiseRules } : {}) };
}
