// Kubernetes objects (`kubectl get -o yaml` output, a `…List`): snapshots without an author.
import { isObject } from '../../domain/json.ts';
import { inputFormat, items, kubernetesContext, single } from '../input-format.ts';
import { normaliseObjectSnapshot } from './normalise.ts';

const isKubernetesObject = (value: unknown): boolean =>
  isObject(value) &&
  typeof value['apiVersion'] === 'string' &&
  typeof value['kind'] === 'string' &&
  isObject(value['metadata']);

export const kubernetesObjectFormat = inputFormat({
  name: 'kubernetes-object',
  recognise: (value, where) => {
    if (
      isObject(value) &&
      typeof value['kind'] === 'string' &&
      value['kind'].endsWith('List') &&
      Array.isArray(value['items'])
    )
      return items(value['items'], where, 'items');
    return isKubernetesObject(value) ? single(value, where) : undefined;
  },
  normalise: (value, context) =>
    normaliseObjectSnapshot(value, {
      ...kubernetesContext(context),
      source: 'kubernetes-snapshot',
      observedAt: context.now(),
    }),
});
