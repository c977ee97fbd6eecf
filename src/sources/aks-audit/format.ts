// AKS diagnostic records: an Azure Monitor `{"records":[…]}` message (lower-case `records`, unlike
// CloudTrail's) or one record per line (a storage account's PT1H.json); each audit record's
// `properties.log` is one audit event, normalised as the webhook's would be.
import { isObject } from '../../domain/json.ts';
import { inputFormat, items, single } from '../../formats/input-format.ts';
import { kubernetesAuditFormat } from '../../formats/kubernetes-audit/format.ts';
import { isAksDiagnosticRecord, parseDiagnosticRecord } from './diagnostic-record.ts';

const isAksRecords = (value: unknown): value is { records: unknown[] } =>
  isObject(value) && Array.isArray(value['records']) && value['records'].some(isAksDiagnosticRecord);

export const aksAuditFormat = inputFormat({
  name: 'aks-audit',
  recognise: (value, where) => {
    if (isAksRecords(value)) return items(value['records'], where, 'records');
    return isAksDiagnosticRecord(value) ? single(value, where) : undefined;
  },
  normalise: (value, context) => {
    // One AKS diagnostic record; its cluster is checked against the one named in paths.
    const parsed = parseDiagnosticRecord(value, { cluster: context.cluster });
    if (parsed.kind === 'skipped') return { kind: 'ignored', reason: parsed.reason };
    if (parsed.kind === 'refused') return { kind: 'rejected', reason: parsed.reason };
    return kubernetesAuditFormat.normalise(parsed.event, context);
  },
});
