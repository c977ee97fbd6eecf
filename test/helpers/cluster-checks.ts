// What the cluster e2e tests post and check: audit batches sent round-robin to the replicas
// (re-sent to the next one on failure, as a Service in front of them would), the Event-IDs a
// shard's remote holds, and who writes which shard according to each replica's /readyz.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { auditEvent } from './intake-fixtures.ts';
import type { ClusterRig } from './cluster-rig.ts';
import { CLUSTER_TOKEN } from './cluster-rig.ts';

export interface PostedBatch {
  readonly cluster: string;
  readonly first: number;
  readonly count: number;
}

/** Every Event-ID on a branch of a repository, with how often each occurs (empty when the branch does not exist). */
export function eventIdCounts(gitdir: string, branch = 'main'): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(gitdir)) return counts;
  const refs = execFileSync('git', ['--git-dir', gitdir, 'for-each-ref', `refs/heads/${branch}`], { encoding: 'utf8' });
  if (refs.trim() === '') return counts;
  const ids = execFileSync('git', ['--git-dir', gitdir, 'log', '--format=%(trailers:key=Event-ID,valueonly)', branch], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  for (const line of ids.split('\n')) {
    const id = line.trim();
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

export function auditBody(first: number, count: number): string {
  return JSON.stringify({
    kind: 'EventList',
    apiVersion: 'audit.k8s.io/v1',
    metadata: {},
    items: Array.from({ length: count }, (_, n) => auditEvent(first + n)),
  });
}

/** Which shards each running replica writes, by its /readyz. */
export async function writersByReplica(rig: ClusterRig): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  await Promise.all(
    rig.replicas.map(async (replica, index) => {
      if (!replica) return;
      try {
        const response = await fetch(`${replica.url}/readyz`);
        const body = (await response.json()) as {
          cluster?: { shards?: Array<{ shard: string; writingHere: boolean; state: string | null }> };
        };
        out.set(
          index,
          (body.cluster?.shards ?? [])
            .filter((shard) => shard.writingHere && shard.state === 'writing')
            .map((s) => s.shard),
        );
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
      }
    }),
  );
  return out;
}

/**
 * Posts one batch to the replicas in turn until one acknowledges it (2xx); a refused connection
 * or a 5xx moves on to the next replica. Resolves with the status that acknowledged it.
 */
export async function postUntilAcknowledged(
  rig: ClusterRig,
  path: string,
  body: string,
  start: number,
  onError?: (status: number | string) => void,
): Promise<number> {
  for (let attempt = 0; ; attempt += 1) {
    const replica = rig.replicas[(start + attempt) % rig.replicas.length];
    if (!replica) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    try {
      const response = await fetch(`${replica.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLUSTER_TOKEN}`, 'content-type': 'application/json' },
        body,
      });
      await response.arrayBuffer();
      if (response.status >= 200 && response.status <= 206) return response.status;
      onError?.(response.status);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      onError?.('connection');
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(500, 10 * 2 ** Math.min(attempt, 6))));
  }
}
