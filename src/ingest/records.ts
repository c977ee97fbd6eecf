// Turns an input file into records of a known kind, with their line numbers. NDJSON is
// streamed line by line (audit logs are large); other files (a JSON document, pretty-printed
// JSON, YAML) are read whole. Each value is classified on its own.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import * as yaml from 'js-yaml';
import { isObject, jsonSyntaxReason } from '../domain/json.ts';
import { isAksDiagnosticRecord } from '../sources/aks-audit/diagnostic-record.ts';
import { exportedMessage } from '../sources/eks-audit/log-event.ts';
import { auditServiceName } from '../sources/gcp-audit/entry.ts';
import { looksLikeGenericEvent } from '../sources/generic/normalise.ts';
import { extractCloudTrailRecords, looksLikeCloudTrail, sortByEventTime } from '../formats/cloudtrail/parse.ts';

export type RecordFormat =
  | 'kubernetes-audit'
  | 'gke-audit'
  | 'gcp-audit'
  | 'eks-audit'
  | 'aks-audit'
  | 'cloudtrail'
  | 'generic'
  | 'kubernetes-object';

export type InputRecord =
  | { readonly line: number; readonly format: RecordFormat; readonly value: unknown; readonly where?: string }
  | { readonly line: number; readonly error: string };

const isAuditEvent = (value: unknown): boolean => isObject(value) && typeof value['auditID'] === 'string';
const isKubernetesObject = (value: unknown): boolean =>
  isObject(value) &&
  typeof value['apiVersion'] === 'string' &&
  typeof value['kind'] === 'string' &&
  isObject(value['metadata']);

/** An Azure Monitor resource-log container (an Event Hub message; lower-case `records`, unlike CloudTrail's). */
const isAksRecords = (value: unknown): value is { records: unknown[] } =>
  isObject(value) && Array.isArray(value['records']) && value['records'].some(isAksDiagnosticRecord);

const isCloudWatchEvents = (value: unknown): value is { events: unknown[] } =>
  isObject(value) &&
  Array.isArray(value['events']) &&
  value['events'].some((item) => isObject(item) && typeof item['logStreamName'] === 'string' && 'message' in item);

/** Classifies one parsed value into records (a container yields its items). */
export function* classify(value: unknown, line: number, where = ''): Generator<InputRecord> {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* classify(item, line, `${where}[${index}]`);
    return;
  }
  if (isAuditEvent(value)) return yield { line, format: 'kubernetes-audit', value, where };
  // `aws logs filter-log-events` output of an EKS audit stream: each event's message is one audit event.
  if (isCloudWatchEvents(value)) {
    for (const [index, item] of value['events'].entries())
      yield {
        line,
        format: 'eks-audit',
        value: isObject(item) ? item['message'] : undefined,
        where: `${where}events[${index}]`,
      };
    return;
  }
  // AKS diagnostic settings: a `{"records":[…]}` message, or one record per line (a storage account's PT1H.json).
  if (isAksRecords(value)) {
    for (const [index, item] of value['records'].entries())
      yield { line, format: 'aks-audit', value: item, where: `${where}records[${index}]` };
    return;
  }
  if (isAksDiagnosticRecord(value)) return yield { line, format: 'aks-audit', value, where };
  // A Cloud Logging LogEntry (`gcloud logging read --format=json`, a Cloud Storage sink line): GKE audit
  // (serviceName k8s.io) is recorded as Kubernetes, every other service's audit entry as GCP resources.
  if (isObject(value) && isObject(value['protoPayload'])) {
    const service = auditServiceName(value);
    const format = service === undefined || service === 'k8s.io' ? 'gke-audit' : 'gcp-audit';
    return yield { line, format, value, where };
  }
  if (
    isObject(value) &&
    Array.isArray(value['items']) &&
    (value['kind'] === 'EventList' || value['items'].some(isAuditEvent))
  ) {
    for (const [index, item] of value['items'].entries())
      yield { line, format: 'kubernetes-audit', value: item, where: `${where}items[${index}]` };
    return;
  }
  if (looksLikeCloudTrail(value)) {
    // A delivery file holds records in no particular order: replay them by event time.
    for (const [index, item] of sortByEventTime(extractCloudTrailRecords(value))) {
      const at = `${where}#${index}`;
      if ('error' in item) yield { line, error: `${at}: ${item.error}` };
      else yield { line, format: 'cloudtrail', value: item.record, where: at };
    }
    return;
  }
  if (looksLikeGenericEvent(value)) return yield { line, format: 'generic', value, where };
  if (
    isObject(value) &&
    typeof value['kind'] === 'string' &&
    value['kind'].endsWith('List') &&
    Array.isArray(value['items'])
  ) {
    for (const [index, item] of value['items'].entries())
      yield { line, format: 'kubernetes-object', value: item, where: `${where}items[${index}]` };
    return;
  }
  if (isKubernetesObject(value)) return yield { line, format: 'kubernetes-object', value, where };
  yield {
    line,
    error: `${where ? `${where}: ` : ''}not an audit event, CloudTrail record, generic event or Kubernetes object`,
  };
}

function parseWhole(text: string): Generator<InputRecord> | InputRecord[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return classify(JSON.parse(text), 1);
    } catch (error) {
      return [{ line: 1, error: `invalid JSON: ${jsonSyntaxReason(error)}` }];
    }
  }
  try {
    const documents = yaml.loadAll(text).filter((doc) => doc !== null && doc !== undefined);
    if (documents.length === 0) return [];
    return (function* () {
      for (const doc of documents) yield* classify(doc, 1);
    })();
  } catch (error) {
    return [{ line: 1, error: `neither JSON nor YAML: ${(error as Error).message.split('\n')[0]}` }];
  }
}

/** The value of a line holding one JSON value, or undefined (a pretty-printed document's first line, YAML). */
function parseJsonLine(line: string): unknown {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** A line of a CloudWatch Logs export (a bare message line, as `--query events[].message` writes, too). */
function exportRecord(line: string, lineNumber: number): InputRecord {
  return { line: lineNumber, format: 'eks-audit', value: exportedMessage(line) ?? line };
}

/** Reads every record of an input stream, in file order. */
export async function* readRecords(input: Readable): AsyncGenerator<InputRecord> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let streaming = false;
  let exportLines = false;
  const buffered: string[] = [];
  for await (const line of lines) {
    lineNumber += 1;
    if (exportLines) {
      if (line.trim() !== '') yield exportRecord(line, lineNumber);
      continue;
    }
    if (streaming) {
      if (line.trim() === '') continue;
      try {
        yield* classify(JSON.parse(line), lineNumber);
      } catch (error) {
        yield { line: lineNumber, error: `invalid JSON: ${jsonSyntaxReason(error)}` };
      }
      continue;
    }
    buffered.push(line);
    if (buffered.length === 1 && line.trim() === '') {
      buffered.pop();
      continue;
    }
    if (buffered.length === 1 && exportedMessage(line) !== undefined) {
      exportLines = true;
      buffered.length = 0;
      yield exportRecord(line, lineNumber);
      continue;
    }
    if (buffered.length === 1) {
      // NDJSON when the first line is a whole JSON object; otherwise read the file whole.
      const first = parseJsonLine(line);
      if (isObject(first)) {
        streaming = true;
        buffered.length = 0;
        yield* classify(first, lineNumber);
      }
    }
  }
  if (!streaming && !exportLines && buffered.length > 0) yield* parseWhole(buffered.join('\n'));
}
