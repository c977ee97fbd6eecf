// GKE audit entries: Cloud Logging LogEntries (`gcloud logging read --format=json`, a Cloud Storage
// sink line) whose protoPayload is an AuditLog of service `k8s.io` (or names no service).
import { isObject, nonEmptyString } from '../../domain/json.ts';
import { inputFormat, kubernetesContext, single } from '../../formats/input-format.ts';
import { normaliseGkeEntry } from './normalise.ts';

export const gkeAuditFormat = inputFormat({
  name: 'gke-audit',
  recognise: (value, where) => {
    if (!isObject(value) || !isObject(value['protoPayload'])) return undefined;
    const service = nonEmptyString(value['protoPayload']['serviceName']);
    return service === undefined || service === 'k8s.io' ? single(value, where) : undefined;
  },
  normalise: (value, context) =>
    normaliseGkeEntry(value, kubernetesContext(context), "ingest each cluster's entries with --cluster <name>"),
});
