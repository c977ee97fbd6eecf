// One GKE audit LogEntry → the changes the webhook would have written for the same request. Pure;
// shared by `gitrail ingest` and the Pub/Sub push route.
import type { NormaliseResult } from '../../domain/change.ts';
import { type KubernetesNormaliseOptions, normaliseAuditEvent } from '../../formats/kubernetes-audit/normalise.ts';
import { gkeEntryToAuditEvent } from './log-entry.ts';

/**
 * `hint` ends the problem of an entry from another cluster: paths name `options.cluster`, so such
 * an entry would be written under the wrong name and is refused.
 */
export function normaliseGkeEntry(input: unknown, options: KubernetesNormaliseOptions, hint: string): NormaliseResult {
  const parsed = gkeEntryToAuditEvent(input);
  if (parsed.kind === 'skipped') return { kind: 'ignored', reason: parsed.reason };
  if (parsed.kind === 'invalid') return { kind: 'rejected', reason: parsed.reason };
  if (parsed.cluster !== options.cluster)
    return {
      kind: 'rejected',
      reason:
        `resource.labels.cluster_name ${parsed.cluster} is not the cluster named in paths ` +
        `(${options.cluster}); ${hint}`,
    };
  return normaliseAuditEvent(parsed.event, options);
}
