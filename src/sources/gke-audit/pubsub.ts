// The Pub/Sub push envelope: `{"message":{"data","attributes","messageId","publishTime"},
// "subscription"}`, where `data` is base64 of what a Cloud Logging sink published (one LogEntry as
// JSON). Pure. A 2xx acknowledges the message; any other answer makes Pub/Sub redeliver it.
import { InvalidInputError } from '../../domain/errors.ts';
import { isObject, jsonSyntaxReason } from '../../domain/json.ts';

export interface PushMessage {
  readonly messageId: string;
  readonly subscription: string;
}

export type PushDecode =
  | (PushMessage & { readonly kind: 'entry'; readonly entry: unknown })
  | (PushMessage & { readonly kind: 'refused'; readonly reason: string });

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * A body that is not a push envelope is an InvalidInputError (a misconfigured sender: 400); a well-formed
 * envelope whose data is not a JSON LogEntry is `refused` (acknowledged, or Pub/Sub redelivers it for days).
 */
export function decodePush(body: unknown): PushDecode {
  if (!isObject(body) || !isObject(body['message']))
    throw new InvalidInputError('the body is not a Pub/Sub push envelope ({"message":{…},"subscription":…})');
  const message = body['message'];
  const messageId = message['messageId'] ?? message['message_id'];
  if (typeof messageId !== 'string' || messageId === '') throw new InvalidInputError('message.messageId is missing');
  const subscription = typeof body['subscription'] === 'string' ? body['subscription'] : '';
  const id = { messageId, subscription };
  const where = `message ${messageId}`;
  const data = message['data'];
  if (typeof data !== 'string' || data === '') return { ...id, kind: 'refused', reason: `${where}: has no data` };
  if (!BASE64.test(data)) return { ...id, kind: 'refused', reason: `${where}: data is not base64` };
  try {
    return { ...id, kind: 'entry', entry: JSON.parse(Buffer.from(data, 'base64').toString('utf8')) };
  } catch (error) {
    return { ...id, kind: 'refused', reason: `${where}: data is not a JSON LogEntry: ${jsonSyntaxReason(error)}` };
  }
}
