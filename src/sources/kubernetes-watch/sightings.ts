// What the reflectors saw, turned into change records one sighting at a time: objects and
// deletions (attributed, skipped when the repository already holds them), Kubernetes Events
// for the activity branch, and the deletions a complete list implies. Counts what it skips.
import type { Logger } from 'pino';
import type { ChangeRecord } from '../../domain/change.ts';
import { eventKey } from '../../index/index-db.ts';
import type { PlannedCollection } from './collections.ts';
import { reconcileScope } from './collections.ts';
import { normaliseKubernetesEvent, type EventRules } from './kube-events.ts';
import {
  observeDeletion,
  observeObject,
  reconcileDeletions,
  type CompleteList,
  type ObjectIdentity,
  type ObserveOptions,
  type Seen,
  type Skipped,
} from './observe.ts';
import type { KubeObject } from './reflector.ts';

export type Sighting =
  /** `id`: where the object lives (identify()), null when it has no name. */
  | {
      readonly kind: 'object';
      readonly collection: PlannedCollection;
      readonly object: KubeObject;
      readonly id: ObjectIdentity | null;
      readonly seen: Seen;
      readonly at: number;
    }
  | {
      readonly kind: 'deleted';
      readonly collection: PlannedCollection;
      readonly id: ObjectIdentity | null;
      readonly at: number;
    }
  | { readonly kind: 'event'; readonly object: KubeObject; readonly at: number }
  /** A complete list of `collection`: what else the repository holds (recorded before it) was deleted. */
  | {
      readonly kind: 'reconcile';
      readonly collection: PlannedCollection;
      readonly list: CompleteList;
      readonly at: number;
    };

export interface SightingRules {
  readonly cluster: string;
  readonly eventRules: EventRules;
  readonly includesNamespace: (namespace: string) => boolean;
}

export class SightingRecorder {
  readonly #rules: SightingRules;
  readonly #options: ObserveOptions;
  readonly #log: Logger;
  /** The `uid@resourceVersion` last handled per path: an unchanged object is not normalised again. */
  readonly #seen = new Map<string, string>();
  #counts = { ignored: 0, rejected: 0 };

  constructor(rules: SightingRules, options: ObserveOptions, log: Logger) {
    this.#rules = rules;
    this.#options = options;
    this.#log = log;
  }

  /** Ignored and rejected sightings since the last call. */
  takeCounts(): { ignored: number; rejected: number } {
    const counts = this.#counts;
    this.#counts = { ignored: 0, rejected: 0 };
    return counts;
  }

  record(sighting: Sighting): ChangeRecord[] {
    try {
      switch (sighting.kind) {
        case 'object':
          return this.#object(sighting);
        case 'deleted': {
          if (sighting.id) this.#seen.delete(sighting.id.path);
          const result = observeDeletion(sighting.collection.type, sighting.id, sighting.at, this.#options);
          return Array.isArray(result) ? result : this.#skip(result);
        }
        case 'event': {
          const result = normaliseKubernetesEvent(sighting.object, {
            cluster: this.#rules.cluster,
            rules: this.#rules.eventRules,
            observedAt: sighting.at,
          });
          if (result.kind === 'rejected') return this.#skip({ rejected: result.reason });
          if (result.kind === 'ignored') return this.#skip({ skipped: 'unchanged' });
          return result.changes.filter(
            (record) => !this.#options.index.hasEvent(eventKey(record.source, record.eventId, record.path)),
          );
        }
        case 'reconcile': {
          const scope = reconcileScope(this.#rules.cluster, sighting.collection, this.#rules.includesNamespace);
          const records = reconcileDeletions(scope, sighting.list, this.#options);
          for (const record of records) this.#seen.delete(record.path);
          return records;
        }
      }
    } catch (error) {
      this.#log.warn({ err: error, kind: sighting.kind }, 'a watched object could not be recorded');
      return this.#skip({ rejected: error instanceof Error ? error.message : String(error) });
    }
  }

  #object(sighting: Extract<Sighting, { kind: 'object' }>): ChangeRecord[] {
    const { id } = sighting;
    const version = id?.uid && id.resourceVersion ? `${id.uid}@${id.resourceVersion}` : undefined;
    if (id && version && this.#seen.get(id.path) === version) return this.#skip({ skipped: 'unchanged' });
    const result = observeObject(
      sighting.collection.type,
      sighting.object,
      id,
      sighting.seen,
      sighting.at,
      this.#options,
    );
    if (id && version) this.#seen.set(id.path, version);
    return 'record' in result ? [result.record] : this.#skip(result);
  }

  #skip(result: Skipped): ChangeRecord[] {
    if ('rejected' in result) {
      this.#counts.rejected += 1;
      this.#log.warn({ reason: result.rejected }, 'watched object rejected');
    } else this.#counts.ignored += 1;
    return [];
  }
}
