// Which shard a change belongs to (pure). A resource on main is placed by its path, so one
// file always has one writer whatever trailer an event carries; activity files and facts by
// their Cluster/Account. The first configured shard whose globs match wins; otherwise the
// default: kubernetes-<cluster>, aws-<account>, or generic.
import type { ChangeBatch } from '../domain/batch.ts';
import type { AttributionFact, ChangeRecord } from '../domain/change.ts';
import { parsePath } from '../normalise/path-grammars/index.ts';
import { unescapeSegment } from '../normalise/paths.ts';
import { compileTextGlobs, type TextMatcher } from '../policy/glob.ts';
import type { ShardConfig } from './config.ts';

/** What places a change: a Kubernetes cluster, an AWS account, or a generic source. */
export type ShardKey =
  | { readonly kind: 'kubernetes'; readonly name: string }
  | { readonly kind: 'aws'; readonly name: string }
  | { readonly kind: 'generic'; readonly name: string };

export const GENERIC_SHARD = 'generic';

/** A name as a shard name segment: `.` and anything else a subject token refuses become `_`. */
function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 63);
}

/**
 * The key of a repository path on main, read from its path grammar's parts (normalise/path-grammars):
 * a Kubernetes resource by its cluster, an AWS one by its account, `custom/<source>/…` by its source;
 * other families (`gcp/<project>/…`) and paths no grammar reads are generic, named `<root>/<next>`.
 */
export function keyOfPath(path: string): ShardKey {
  const parts = parsePath(path);
  switch (parts.family) {
    case 'kubernetes':
      return { kind: 'kubernetes', name: unescapeSegment(parts.cluster) };
    case 'aws':
      return { kind: 'aws', name: unescapeSegment(parts.account) };
    case 'custom':
      return { kind: 'generic', name: unescapeSegment(parts.source) };
    default: {
      const [top, second] = path.split('/');
      return { kind: 'generic', name: second ? `${top}/${unescapeSegment(second)}` : (top ?? '') };
    }
  }
}

/** The key of a commit or record by its trailers (Cluster, Account, Source). */
export function keyOfTrailers(trailers: Readonly<Record<string, string>>): ShardKey {
  if (trailers['Cluster']) return { kind: 'kubernetes', name: trailers['Cluster'] };
  if (trailers['Account']) return { kind: 'aws', name: trailers['Account'] };
  const source = trailers['Source'] ?? '';
  return { kind: 'generic', name: source.startsWith('generic/') ? source.slice('generic/'.length) : source };
}

export function keyOfRecord(record: ChangeRecord): ShardKey {
  if (record.branch === 'main') return keyOfPath(record.path);
  return keyOfTrailers(Object.fromEntries(record.trailers));
}

export function keyOfFact(fact: AttributionFact): ShardKey {
  return { kind: 'kubernetes', name: fact.cluster };
}

interface CompiledShard {
  readonly name: string;
  readonly matchers: Readonly<Record<ShardKey['kind'], TextMatcher | null>>;
}

export class ShardMap {
  readonly #shards: readonly CompiledShard[];
  readonly #configs: ReadonlyMap<string, ShardConfig>;

  constructor(shards: readonly ShardConfig[]) {
    this.#shards = shards.map((shard) => ({
      name: shard.name,
      matchers: {
        kubernetes: shard.kubernetes.length > 0 ? compileTextGlobs(shard.kubernetes) : null,
        aws: shard.aws.length > 0 ? compileTextGlobs(shard.aws) : null,
        generic: shard.generic.length > 0 ? compileTextGlobs(shard.generic) : null,
      },
    }));
    this.#configs = new Map(shards.map((shard) => [shard.name, shard]));
  }

  /** The configured shard of that name, or undefined for a default one. */
  config(shard: string): ShardConfig | undefined {
    return this.#configs.get(shard);
  }

  shardOf(key: ShardKey): string {
    const configured = this.#shards.find((shard) => shard.matchers[key.kind]?.(key.name));
    if (configured) return configured.name;
    if (key.kind === 'generic' || key.name === '') return GENERIC_SHARD;
    return `${key.kind}-${safe(key.name)}`;
  }

  /** The shard of a commit read back from a repository (its first changed path, else its trailers). */
  shardOfCommit(trailers: Readonly<Record<string, string>>, paths: readonly string[]): string {
    const path = trailers['Resource-Path'] ?? paths[0];
    return this.shardOf(path && !path.startsWith('activity/') ? keyOfPath(path) : keyOfTrailers(trailers));
  }

  /**
   * A batch cut into one batch per shard, in the order each shard first appears; records keep
   * their order. The counts of ignored and rejected records stay with the first part.
   */
  split(batch: ChangeBatch): Array<{ readonly shard: string; readonly batch: ChangeBatch }> {
    const parts = new Map<string, { changes: ChangeRecord[]; facts: AttributionFact[] }>();
    const part = (shard: string) => {
      let found = parts.get(shard);
      if (!found) {
        found = { changes: [], facts: [] };
        parts.set(shard, found);
      }
      return found;
    };
    for (const record of batch.changes) part(this.shardOf(keyOfRecord(record))).changes.push(record);
    for (const fact of batch.facts) part(this.shardOf(keyOfFact(fact))).facts.push(fact);
    return [...parts].map(([shard, { changes, facts }], index) => ({
      shard,
      batch: {
        source: batch.source,
        receivedAt: batch.receivedAt,
        changes,
        facts,
        ignored: index === 0 ? batch.ignored : 0,
        rejected: index === 0 ? batch.rejected : 0,
      },
    }));
  }
}
