// Configuration of the EKS audit poller for one cluster (composed into gitrail.yaml's schema):
// where the audit log is (region, and the cluster's log group), how often it is polled, the
// overlap that catches events CloudWatch Logs delivers late, credentials and the request rate.
import { z } from 'zod';
import { Duration } from '../../config/duration.ts';
import { AwsEndpoint, AwsProfile, AwsRegion, MaxLag } from '../config-schemas.ts';

/** The log group EKS writes a cluster's control-plane logs to. */
const EKS_LOG_GROUP = /^\/aws\/eks\/([0-9A-Za-z][A-Za-z0-9_-]{0,99})\/cluster$/;

export const EksAuditConfig = z
  .object({
    cluster: z
      .string()
      .regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, 'not an EKS cluster name (letters, digits, - and _)')
      .optional()
      .describe(
        'cluster name used in paths (`kubernetes/<cluster>/…`) and the `Cluster:` trailer; default the <name> of ' +
          'logGroupName /aws/eks/<name>/cluster. Give a watched cluster the same name to combine both',
      ),
    logGroupName: z
      .string()
      .regex(/^[.\-_/#A-Za-z0-9]{1,512}$/, 'not a CloudWatch Logs log group name')
      .optional()
      .describe('log group of the audit log (default /aws/eks/<cluster>/cluster); streams kube-apiserver-audit-*'),
    region: AwsRegion.describe("the cluster's region"),
    pollInterval: Duration.refine((ms) => ms >= 1000, { message: 'pollInterval must be at least 1s' })
      .default(30_000)
      .describe('time between the end of one poll and the start of the next (default 30s)'),
    overlap: Duration.default(5 * 60_000).describe(
      'each poll re-reads this much before the last one ended, because CloudWatch Logs ingests events late ' +
        '(dedupe by auditID; default 5m)',
    ),
    maxAge: Duration.refine((ms) => ms > 0, { message: 'maxAge must be positive' })
      .default(3_600_000)
      .describe('how far back the first poll reads (default 1h)'),
    profile: AwsProfile.describe(
      'AWS shared-config profile (it may assume a role with role_arn/source_profile); default the usual ' +
        'credential chain',
    ),
    endpoint: AwsEndpoint.describe('CloudWatch Logs endpoint URL to use instead of the regional one (a VPC endpoint)'),
    requestsPerSecond: z
      .number()
      .positive()
      .max(25)
      .default(3)
      .describe(
        'FilterLogEvents requests per second, retries included (AWS allows 5 per account and region by default, ' +
          'shared with every other caller)',
      ),
    filterPattern: z
      .string()
      .min(1)
      .optional()
      .describe(
        'CloudWatch Logs filter pattern applied by AWS before paging, for busy clusters (every poll re-reads the ' +
          'overlap): e.g. `{ $.verb != "get" && $.verb != "list" && $.verb != "watch" }`. Events it excludes are ' +
          'never seen: with that one, denied and Secret reads are not recorded and cut (`[Truncated...]`) events ' +
          'are not reported',
      ),
    maxLag: MaxLag.describe('the source reports `lagging` when its last complete poll ended longer ago than this'),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.cluster === undefined && !EKS_LOG_GROUP.test(config.logGroupName ?? ''))
      ctx.addIssue({
        code: 'custom',
        path: ['cluster'],
        message: 'set cluster (the name used in paths), or a logGroupName of the form /aws/eks/<cluster>/cluster',
      });
  })
  .describe('an EKS cluster whose audit log is polled from CloudWatch Logs with FilterLogEvents (issue 13)');
export type EksAuditConfig = z.infer<typeof EksAuditConfig>;
export type EksAuditConfigInput = z.input<typeof EksAuditConfig>;

/** The cluster named in paths and the log group read; the schema guarantees one gives the other. */
export function eksTarget(config: EksAuditConfig): { readonly cluster: string; readonly logGroupName: string } {
  const cluster = config.cluster ?? (EKS_LOG_GROUP.exec(config.logGroupName ?? '')?.[1] as string);
  return { cluster, logGroupName: config.logGroupName ?? `/aws/eks/${cluster}/cluster` };
}
