// Fields that change without anyone changing the configuration are removed before a
// document is written, so a diff shows only what a person or tool actually changed.
import type { Doc } from '../domain/change.ts';
import { LAST_APPLIED } from './redact.ts';

const NOISY_METADATA = ['managedFields', 'resourceVersion', 'generation', 'selfLink'] as const;

export interface NoiseRules {
  /** Keep `status` (returned separately for the `<name>.status.yaml` sibling). */
  readonly keepStatus?: boolean;
  /** Extra dotted paths to drop (`metadata.annotations.deployment\.kubernetes\.io/revision`). */
  readonly dropFields?: readonly string[];
}

export interface Denoised {
  readonly doc: Doc;
  /** The object's status when the rules keep it, else undefined. */
  readonly status?: unknown;
}

/** Splits a dotted path; `\.` escapes a dot inside a key (annotation names have dots). */
export function splitFieldPath(path: string): string[] {
  return path.split(/(?<!\\)\./).map((part) => part.replace(/\\\./g, '.'));
}

function dropPath(target: Record<string, unknown>, parts: readonly string[]): void {
  const [head, ...rest] = parts;
  if (head === undefined || !(head in target)) return;
  if (rest.length === 0) {
    delete target[head];
    return;
  }
  const child = target[head];
  if (child && typeof child === 'object' && !Array.isArray(child)) {
    const copy = { ...(child as Record<string, unknown>) };
    dropPath(copy, rest);
    target[head] = copy;
  }
}

/** Returns a copy of a Kubernetes object without noise; never mutates the input. */
export function removeNoise(object: Doc, rules: NoiseRules = {}): Denoised {
  const doc: Doc = { ...object };
  const metadata = object['metadata'];
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
    const meta: Record<string, unknown> = { ...(metadata as Record<string, unknown>) };
    for (const key of NOISY_METADATA) delete meta[key];
    const annotations = meta['annotations'];
    if (annotations && typeof annotations === 'object' && LAST_APPLIED in annotations) {
      const rest = { ...(annotations as Record<string, unknown>) };
      delete rest[LAST_APPLIED];
      if (Object.keys(rest).length === 0) delete meta['annotations'];
      else meta['annotations'] = rest;
    }
    doc['metadata'] = meta;
  }
  for (const path of rules.dropFields ?? []) dropPath(doc, splitFieldPath(path));
  if (!('status' in doc)) return { doc };
  const status = doc['status'];
  delete doc['status'];
  return rules.keepStatus ? { doc, status } : { doc };
}
