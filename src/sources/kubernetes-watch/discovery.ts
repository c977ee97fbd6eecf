// Discovery of every resource worth recording: the preferred version of each API group,
// no subresources, only kinds that can be listed and watched (protocols.md §2.1). A group
// whose discovery fails (an aggregated API that is down) is skipped and reported.
import { isObject } from '../../domain/json.ts';
import type { KubeApi } from './api-client.ts';
import type { ResourceType } from './resource-filter.ts';

export interface DiscoveryResult {
  readonly types: readonly ResourceType[];
  /** Group versions whose discovery failed, with the error. */
  readonly failed: ReadonlyArray<{ readonly groupVersion: string; readonly error: unknown }>;
}

function resourcesIn(list: unknown, group: string, version: string): ResourceType[] {
  const resources = isObject(list) && Array.isArray(list['resources']) ? list['resources'].filter(isObject) : [];
  const out: ResourceType[] = [];
  for (const entry of resources) {
    const name = entry['name'];
    const verbs = Array.isArray(entry['verbs']) ? entry['verbs'] : [];
    if (typeof name !== 'string' || name.includes('/') || typeof entry['kind'] !== 'string') continue;
    if (!verbs.includes('list') || !verbs.includes('watch')) continue;
    out.push({ group, version, resource: name, kind: entry['kind'], namespaced: entry['namespaced'] === true });
  }
  return out;
}

function preferredVersions(groups: unknown): Array<{ group: string; version: string }> {
  const list = isObject(groups) && Array.isArray(groups['groups']) ? groups['groups'].filter(isObject) : [];
  const out: Array<{ group: string; version: string }> = [];
  for (const group of list) {
    const name = group['name'];
    const preferred = isObject(group['preferredVersion']) ? group['preferredVersion']['version'] : undefined;
    const first =
      Array.isArray(group['versions']) && isObject(group['versions'][0]) ? group['versions'][0]['version'] : undefined;
    const version = typeof preferred === 'string' ? preferred : first;
    if (typeof name === 'string' && typeof version === 'string') out.push({ group: name, version });
  }
  return out;
}

export async function discoverResources(api: KubeApi, signal: AbortSignal): Promise<DiscoveryResult> {
  const [core, groups] = await Promise.all([api.get('/api/v1', {}, signal), api.get('/apis', {}, signal)]);
  const types: ResourceType[] = resourcesIn(core, '', 'v1');
  const failed: Array<{ groupVersion: string; error: unknown }> = [];
  const wanted = preferredVersions(groups);
  const lists = await Promise.allSettled(
    wanted.map(({ group, version }) => api.get(`/apis/${group}/${version}`, {}, signal)),
  );
  lists.forEach((result, index) => {
    const { group, version } = wanted[index] as { group: string; version: string };
    if (result.status === 'fulfilled') types.push(...resourcesIn(result.value, group, version));
    else failed.push({ groupVersion: `${group}/${version}`, error: result.reason });
  });
  return { types, failed };
}
