// Shared pieces for tests of the EKS audit poller: a fake CloudWatch Logs endpoint, audit log
// events as EKS writes them, and a poll source pointed at the fake with explicit credentials
// (never the default chain).
import type { TestContext } from 'node:test';
import { createRedactor } from '../../src/normalise/redact.ts';
import { eksEvent } from '../../src/sources/eks-audit/__fixtures__/eks-event.ts';
import { EksAuditConfig, type EksAuditConfigInput } from '../../src/sources/eks-audit/config.ts';
import { EksAuditPollSource, type EksAuditPollDeps } from '../../src/sources/eks-audit/poll-source.ts';
import { FakeCloudWatchLogs, type FakeLogEvent } from '../fakes/cloudwatch-logs.ts';

export const LOG_GROUP = '/aws/eks/prod/cluster';
/** Two apiserver instances write two audit streams; the authenticator writes to the same group. */
export const STREAMS = [
  'kube-apiserver-audit-0123456789abcdef0123456789abcdef',
  'kube-apiserver-audit-fedcba9876543210fedcba9876543210',
] as const;
export const AUTHENTICATOR_STREAM = 'authenticator-0123456789abcdef0123456789abcdef';

// The SDK must never look for instance metadata (not loopback) in a test.
process.env['AWS_EC2_METADATA_DISABLED'] = 'true';

export async function startFakeLogs(t: TestContext): Promise<FakeCloudWatchLogs> {
  const fake = await FakeCloudWatchLogs.start();
  fake.createLogGroup(LOG_GROUP);
  t.after(() => fake.close());
  return fake;
}

/** Puts alice's create of ConfigMap `name` (audit event `id`) at `time`, in stream `stream`. */
export function putAudit(
  fake: FakeCloudWatchLogs,
  id: string,
  name: string,
  time: number,
  options: { stream?: number; ingestionTime?: number } = {},
): FakeLogEvent {
  const at = new Date(time).toISOString();
  const message = JSON.stringify(eksEvent(id, name, at, at));
  return fake.putLogEvent(LOG_GROUP, STREAMS[options.stream ?? 0] as string, time, message, {
    ...(options.ingestionTime !== undefined ? { ingestionTime: options.ingestionTime } : {}),
  });
}

export function eksPollSource(
  fake: FakeCloudWatchLogs,
  config: Partial<EksAuditConfigInput> = {},
  deps: Partial<Pick<EksAuditPollDeps, 'retry' | 'sliceMs'>> = {},
): EksAuditPollSource {
  const parsed = EksAuditConfig.parse({
    cluster: 'prod',
    region: 'eu-west-1',
    maxAge: '2h',
    requestsPerSecond: 25,
    ...config,
  });
  return new EksAuditPollSource(parsed, {
    redact: createRedactor(Buffer.alloc(32, 9)),
    clientConfig: { endpoint: fake.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'not-a-secret' } },
    // Three attempts per page with short waits: a test outlasts the retries in milliseconds.
    retry: { attempts: 3, initialMs: 10, maxMs: 50 },
    ...deps,
  });
}
