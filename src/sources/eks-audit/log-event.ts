// One CloudWatch Logs event of an EKS `kube-apiserver-audit-*` stream → one audit Event. Pure.
// The API server truncates events over CloudWatch's 256 KiB limit and appends `[Truncated...]`:
// such an event is refused with a clear problem (its JSON is cut, so nothing in it can be trusted).
import { isObject, jsonSyntaxReason } from '../../domain/json.ts';

export const TRUNCATED_MARK = '[Truncated...]';

export type LogEventResult =
  | { readonly kind: 'event'; readonly event: Record<string, unknown> }
  | { readonly kind: 'refused'; readonly reason: string };

/** `where` names the record for the problem: `<logStream>#<id>` or `<file>:<line>`. */
export function parseAuditMessage(message: unknown, where: string): LogEventResult {
  if (typeof message !== 'string' || message.trim() === '')
    return { kind: 'refused', reason: `${where}: log event has no message` };
  if (message.trimEnd().endsWith(TRUNCATED_MARK))
    return { kind: 'refused', reason: `${where}: audit event was truncated by CloudWatch Logs (over 256 KiB)` };
  let event: unknown;
  try {
    event = JSON.parse(message);
  } catch (error) {
    return { kind: 'refused', reason: `${where}: message is not JSON: ${jsonSyntaxReason(error)}` };
  }
  if (!isObject(event)) return { kind: 'refused', reason: `${where}: message is not a JSON object` };
  return { kind: 'event', event };
}

const EXPORT_LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z (.*)$/s;

/**
 * The message of one line of a CloudWatch Logs export to S3 (`aws logs create-export-task`; the
 * `000000.gz` files, gunzipped): the log event's ingestion time, a space, then the message.
 * Undefined for a line of another shape.
 */
export function exportedMessage(line: string): string | undefined {
  return EXPORT_LINE.exec(line)?.[1];
}
