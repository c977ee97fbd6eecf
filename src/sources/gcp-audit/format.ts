// GCP Cloud Audit Log entries of every service but Kubernetes (`k8s.io` is gke-audit's): resources
// under `gcp/<project>/<location|global>/<service>/…`.
import { inputFormat, single } from '../../formats/input-format.ts';
import { auditServiceName } from './entry.ts';
import { normaliseGcpAuditEntry } from './normalise.ts';

export const gcpAuditFormat = inputFormat({
  name: 'gcp-audit',
  recognise: (value, where) => {
    const service = auditServiceName(value);
    return service !== undefined && service !== 'k8s.io' ? single(value, where) : undefined;
  },
  normalise: (value, context) =>
    normaliseGcpAuditEntry(value, { redact: context.redact, sensitiveKeys: context.sensitiveKeys }),
});
