// Dispatches a classified input record to its source's normaliser.
import type { NormaliseResult } from '../domain/change.ts';
import type { NoiseRules } from '../normalise/noise.ts';
import type { Redact } from '../normalise/redact.ts';
import { normaliseCloudTrailRecord } from '../formats/cloudtrail/normalise.ts';
import { parseDiagnosticRecord } from '../sources/aks-audit/diagnostic-record.ts';
import { normaliseEksEvent } from '../sources/eks-audit/identity.ts';
import { parseAuditMessage } from '../sources/eks-audit/log-event.ts';
import { normaliseGcpAuditEntry } from '../sources/gcp-audit/normalise.ts';
import { normaliseGkeEntry } from '../sources/gke-audit/normalise.ts';
import { normaliseGenericEvent } from '../sources/generic/normalise.ts';
import { kubernetesOptions, normaliseAuditEvent } from '../formats/kubernetes-audit/normalise.ts';
import { normaliseObjectSnapshot } from '../formats/kubernetes-objects/normalise.ts';
import type { RecordFormat } from './records.ts';

export interface NormaliseContext {
  /** The Kubernetes cluster named in paths. */
  readonly cluster: string;
  /** The `custom/<source>/` folder for generic events. */
  readonly genericSource: string;
  readonly redact: Redact;
  readonly sensitiveKeys: ReadonlySet<string>;
  readonly noiseRules?: (groupResource: string) => NoiseRules;
  readonly now: () => number;
}

export function normaliseInput(format: RecordFormat, value: unknown, context: NormaliseContext): NormaliseResult {
  const common = { redact: context.redact, sensitiveKeys: context.sensitiveKeys };
  switch (format) {
    case 'kubernetes-audit':
      return normaliseAuditEvent(value, {
        ...common,
        cluster: context.cluster,
        ...(context.noiseRules ? { noiseRules: context.noiseRules } : {}),
      });
    case 'gke-audit':
      return normaliseGkeEntry(
        value,
        { ...common, cluster: context.cluster, ...(context.noiseRules ? { noiseRules: context.noiseRules } : {}) },
        "ingest each cluster's entries with --cluster <name>",
      );
    case 'gcp-audit':
      return normaliseGcpAuditEntry(value, common);
    case 'eks-audit': {
      // One CloudWatch Logs message of an EKS audit stream; the author is the IAM person in `user.extra`.
      const parsed = parseAuditMessage(value, 'log event');
      if (parsed.kind === 'refused') return { kind: 'rejected', reason: parsed.reason };
      return normaliseEksEvent(parsed.event, kubernetesOptions(context.cluster, context));
    }
    case 'aks-audit': {
      // One AKS diagnostic record; its cluster is checked against the one named in paths.
      const parsed = parseDiagnosticRecord(value, { cluster: context.cluster });
      if (parsed.kind === 'skipped') return { kind: 'ignored', reason: parsed.reason };
      if (parsed.kind === 'refused') return { kind: 'rejected', reason: parsed.reason };
      return normaliseInput('kubernetes-audit', parsed.event, context);
    }
    case 'cloudtrail':
      return normaliseCloudTrailRecord(value, common);
    case 'generic':
      return normaliseGenericEvent(value, { ...common, source: context.genericSource });
    case 'kubernetes-object':
      return normaliseObjectSnapshot(value, {
        ...common,
        cluster: context.cluster,
        source: 'kubernetes-snapshot',
        observedAt: context.now(),
        ...(context.noiseRules ? { noiseRules: context.noiseRules } : {}),
      });
  }
}
