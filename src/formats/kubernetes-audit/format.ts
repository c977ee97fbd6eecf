// Kubernetes audit events (audit.k8s.io/v1 Event), one per value or in an EventList.
import { isObject } from '../../domain/json.ts';
import { inputFormat, items, kubernetesContext, type NormaliseContext, single } from '../input-format.ts';
import { normaliseAuditEvent } from './normalise.ts';

export const isAuditEvent = (value: unknown): boolean => isObject(value) && typeof value['auditID'] === 'string';

const normalise = (value: unknown, context: NormaliseContext) => normaliseAuditEvent(value, kubernetesContext(context));

/** One audit event (the webhook's body items, a log backend's lines). */
export const kubernetesAuditFormat = inputFormat({
  name: 'kubernetes-audit',
  recognise: (value, where) => (isAuditEvent(value) ? single(value, where) : undefined),
  normalise,
});

/**
 * An EventList (the webhook's body, `kubectl get --raw` output). Registered after the cloud
 * containers, as it always was: a separate entry of the same format.
 */
export const kubernetesAuditListFormat = inputFormat({
  name: 'kubernetes-audit',
  recognise: (value, where) =>
    isObject(value) &&
    Array.isArray(value['items']) &&
    (value['kind'] === 'EventList' || value['items'].some(isAuditEvent))
      ? items(value['items'], where, 'items')
      : undefined,
  normalise,
});
