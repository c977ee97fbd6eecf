// Cloud Logging LogEntry (GKE audit: protoPayload AuditLog, serviceName "k8s.io") → audit.k8s.io/v1 Event, so the
// Kubernetes audit normaliser writes the same commits the webhook would. Pure.
import { isObject, nonEmptyString as str } from '../../domain/json.ts';

/** gRPC status code → the HTTP status the apiserver answered (google.rpc.Code mapping). */
const GRPC_TO_HTTP: Readonly<Record<number, number>> = {
  0: 200,
  1: 499,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
};

export type GkeParse =
  | { readonly kind: 'event'; readonly event: Record<string, unknown>; readonly cluster: string }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

function withoutType(value: unknown): Record<string, unknown> | undefined {
  if (!isObject(value)) return undefined;
  const { '@type': _type, ...rest } = value;
  return rest;
}

interface ParsedName {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

/** `apps/v1/namespaces/shop/deployments/web[/scale]`, `rbac.authorization.k8s.io/v1/clusterroles/view`. */
export function parseResourceName(resourceName: string, methodResource?: string): ParsedName | undefined {
  const parts = resourceName.split('/');
  const [group, version, ...rest] = parts;
  if (!group || !version || rest.length === 0 || rest.some((part) => part === '')) return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && methodResource !== 'namespaces') {
    namespace = rest[1];
    rest.splice(0, 2);
  }
  const [resource, name, subresource] = rest;
  if (!resource || rest.length > 3) return undefined;
  return { group, version, namespace, resource, name, subresource };
}

/** `io.k8s.core.v1.pods.exec.create` → verb `create`. */
function verbOf(methodName: string): string | undefined {
  if (!methodName.startsWith('io.k8s.')) return undefined;
  const verb = methodName.split('.').at(-1);
  return verb === undefined || verb === '' ? undefined : verb;
}

export function gkeEntryToAuditEvent(input: unknown): GkeParse {
  if (!isObject(input)) return { kind: 'invalid', reason: 'a LogEntry must be a JSON object' };
  const payload = input['protoPayload'];
  if (!isObject(payload)) return { kind: 'skipped', reason: 'no protoPayload (not an audit log entry)' };
  const service = str(payload['serviceName']);
  if (service !== 'k8s.io') return { kind: 'skipped', reason: `serviceName ${service ?? '(none)'} is not k8s.io` };
  const methodName = str(payload['methodName']);
  const resourceName = str(payload['resourceName']);
  if (methodName === undefined) return { kind: 'invalid', reason: 'protoPayload.methodName is missing' };
  if (resourceName === undefined) return { kind: 'invalid', reason: 'protoPayload.resourceName is missing' };
  const verb = verbOf(methodName);
  if (verb === undefined) return { kind: 'invalid', reason: `methodName ${methodName} is not io.k8s.<…>.<verb>` };
  const methodParts = methodName.split('.');
  const ref = parseResourceName(resourceName, methodParts.at(-2));
  if (ref === undefined) return { kind: 'invalid', reason: `resourceName ${resourceName} is not group/version/…` };
  const labels =
    isObject(input['resource']) && isObject(input['resource']['labels']) ? input['resource']['labels'] : {};
  const cluster = str(labels['cluster_name']);
  if (cluster === undefined) return { kind: 'invalid', reason: 'resource.labels.cluster_name is missing' };
  const timestamp = str(input['timestamp']) ?? str(input['receiveTimestamp']);
  if (timestamp === undefined) return { kind: 'invalid', reason: 'timestamp is missing' };
  const operation = isObject(input['operation']) ? str(input['operation']['id']) : undefined;
  const auditID = operation ?? str(input['insertId']);
  if (auditID === undefined) return { kind: 'invalid', reason: 'neither operation.id nor insertId is present' };
  const auth = isObject(payload['authenticationInfo']) ? payload['authenticationInfo'] : {};
  const username = str(auth['principalEmail']) ?? str(auth['principalSubject']);
  const status = isObject(payload['status']) ? payload['status'] : {};
  const grpc = typeof status['code'] === 'number' ? status['code'] : 0;
  let code = GRPC_TO_HTTP[grpc] ?? 500;
  if (code === 200 && verb === 'create' && ref.subresource === undefined) code = 201;
  const responseStatus: Record<string, unknown> = { metadata: {}, code };
  if (str(status['message']) !== undefined) responseStatus['message'] = status['message'];
  const requestMetadata = isObject(payload['requestMetadata']) ? payload['requestMetadata'] : {};
  const request = withoutType(payload['request']);
  const response = withoutType(payload['response']);
  const event: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: request !== undefined || response !== undefined ? 'RequestResponse' : 'Metadata',
    auditID,
    stage: 'ResponseComplete',
    verb,
    // No principal: no name is invented; the normaliser records the attribution as unresolved.
    user: username === undefined ? {} : { username },
    objectRef: {
      resource: ref.resource,
      ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }),
      ...(ref.name === undefined ? {} : { name: ref.name }),
      ...(ref.group === 'core' ? {} : { apiGroup: ref.group }),
      apiVersion: ref.version,
      ...(ref.subresource === undefined ? {} : { subresource: ref.subresource }),
    },
    responseStatus,
    requestReceivedTimestamp: timestamp,
    stageTimestamp: timestamp,
  };
  const ip = str(requestMetadata['callerIp']);
  if (ip !== undefined) event['sourceIPs'] = [ip];
  const agent = str(requestMetadata['callerSuppliedUserAgent']);
  if (agent !== undefined) event['userAgent'] = agent;
  if (request !== undefined) event['requestObject'] = request;
  if (response !== undefined) event['responseObject'] = response;
  return { kind: 'event', event, cluster };
}
