// EKS audit log events from CloudWatch Logs: `aws logs filter-log-events` output (`{"events":[…]}`,
// each event's message one audit event) or an export with one message per line.
import { isObject } from '../../domain/json.ts';
import { inputFormat } from '../../formats/input-format.ts';
import { kubernetesOptions } from '../../formats/kubernetes-audit/normalise.ts';
import { normaliseEksEvent } from './identity.ts';
import { exportedMessage, parseAuditMessage } from './log-event.ts';

const isCloudWatchEvents = (value: unknown): value is { events: unknown[] } =>
  isObject(value) &&
  Array.isArray(value['events']) &&
  value['events'].some((item) => isObject(item) && typeof item['logStreamName'] === 'string' && 'message' in item);

export const eksAuditFormat = inputFormat({
  name: 'eks-audit',
  recognise: (value, where) =>
    isCloudWatchEvents(value)
      ? value['events'].map((item, index) => ({
          value: isObject(item) ? item['message'] : undefined,
          where: `${where}events[${index}]`,
        }))
      : undefined,
  // A line of a CloudWatch Logs export (a bare message line, as `--query events[].message` writes, too).
  readLine: (line) => exportedMessage(line),
  normalise: (value, context) => {
    // One CloudWatch Logs message of an EKS audit stream; the author is the IAM person in `user.extra`.
    const parsed = parseAuditMessage(value, 'log event');
    if (parsed.kind === 'refused') return { kind: 'rejected', reason: parsed.reason };
    return normaliseEksEvent(parsed.event, kubernetesOptions(context.cluster, context));
  },
});
