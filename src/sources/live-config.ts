// The gitrail.yaml sections of the live sources and their cross-field rules. Kept apart from
// the registry so the configuration loader can use them without loading the client libraries.
import { z } from 'zod';
import { AksAuditConfig, aksTarget } from './aks-audit/config.ts';
import { CloudTrailPollConfig } from './cloudtrail-poll/config.ts';
import { CloudTrailS3Config } from './cloudtrail-s3/config.ts';
import { EksAuditConfig, eksTarget } from './eks-audit/config.ts';
import { KubernetesWatchConfig } from './kubernetes-watch/config.ts';

/** The gitrail.yaml keys of the live sources, to be merged into the top-level schema. */
export const liveSourcesShape = {
  kubernetes: z.array(KubernetesWatchConfig).default([]).describe('Kubernetes clusters to list and watch (issue 4)'),
  cloudtrail: z
    .array(CloudTrailPollConfig)
    .default([])
    .describe('AWS accounts whose CloudTrail event history is polled (issue 4)'),
  cloudtrailS3: z
    .array(CloudTrailS3Config)
    .default([])
    .describe('S3 buckets holding CloudTrail log files (AWSLogs layout) to read (issue 4)'),
  eksAudit: z
    .array(EksAuditConfig)
    .default([])
    .describe('EKS clusters whose audit log is polled from CloudWatch Logs (issue 13)'),
  aksAudit: z
    .array(AksAuditConfig)
    .default([])
    .describe('AKS clusters whose audit log is read from the storage account of their diagnostic settings (issue 13)'),
};

export const LiveSourcesConfig = z.object(liveSourcesShape).describe('live sources');
export type LiveSourcesConfig = z.infer<typeof LiveSourcesConfig>;

/** Cross-field rules: the problems (each naming its key), empty when the configuration is coherent. */
export function checkLiveSources(config: LiveSourcesConfig): string[] {
  const problems: string[] = [];
  const clusters = new Map<string, number>();
  config.kubernetes.forEach((cluster, index) => {
    const first = clusters.get(cluster.name);
    if (first !== undefined)
      problems.push(
        `kubernetes[${index}].name: cluster ${JSON.stringify(cluster.name)} is already configured at ` +
          `kubernetes[${first}]`,
      );
    else clusters.set(cluster.name, index);
  });
  const regions = new Map<string, number>();
  config.cloudtrail.forEach((account, index) => {
    for (const region of account.regions) {
      const key = `${account.account}/${region}`;
      const first = regions.get(key);
      if (first !== undefined && first !== index)
        problems.push(
          `cloudtrail[${index}].regions: ${region} of account ${account.account} is already polled by ` +
            `cloudtrail[${first}]`,
        );
      else if (first === index) problems.push(`cloudtrail[${index}].regions: ${region} is listed twice`);
      else regions.set(key, index);
    }
  });
  const trails = new Map<string, number>();
  config.cloudtrailS3.forEach((trail, index) => {
    for (const account of trail.accounts) {
      for (const region of trail.regions) {
        const key = `${trail.bucket}/${trail.prefix}/${account}/${region}`;
        const first = trails.get(key);
        if (first === undefined) trails.set(key, index);
        else
          problems.push(
            `cloudtrailS3[${index}]: ${account} ${region} in ${trail.bucket} is listed more than ` +
              `once${first === index ? '' : ` (also cloudtrailS3[${first}])`}`,
          );
      }
    }
  });
  const eks = new Map<string, number>();
  config.eksAudit.forEach((entry, index) => {
    const { cluster } = eksTarget(entry);
    const first = eks.get(cluster);
    if (first !== undefined)
      problems.push(`eksAudit[${index}]: cluster ${JSON.stringify(cluster)} is already polled by eksAudit[${first}]`);
    else eks.set(cluster, index);
  });
  const aks = new Map<string, number>();
  config.aksAudit.forEach((entry, index) => {
    const { cluster } = aksTarget(entry);
    const first = aks.get(cluster);
    if (first !== undefined)
      problems.push(`aksAudit[${index}]: cluster ${JSON.stringify(cluster)} is already read by aksAudit[${first}]`);
    else aks.set(cluster, index);
  });
  return problems;
}
