// The `cloudtrailS3:` section: one reader per account and region of a trail's bucket (issue 4).
import { commonDeps, liveSourceKind, type LiveSourceBaseDeps } from '../live-kind.ts';
import { CloudTrailS3Config } from './config.ts';
import type { CloudTrailS3Deps } from './s3-source.ts';

export const cloudTrailS3Kind = liveSourceKind({
  key: 'cloudtrailS3',
  folder: 'cloudtrail-s3',
  item: CloudTrailS3Config,
  description: 'S3 buckets holding CloudTrail log files (AWSLogs layout) to read (issue 4)',
  targets: (trail, index) =>
    trail.accounts.flatMap((account) =>
      trail.regions.map((region) => ({
        key: `${trail.bucket}/${trail.prefix}/${account}/${region}`,
        duplicate: (first: number) =>
          `cloudtrailS3[${index}]: ${account} ${region} in ${trail.bucket} is listed more than ` +
          `once${first === index ? '' : ` (also cloudtrailS3[${first}])`}`,
      })),
    ),
  build: async (trails, deps, extras: Partial<Omit<CloudTrailS3Deps, keyof LiveSourceBaseDeps>> | undefined) => {
    if (trails.length === 0) return [];
    const { CloudTrailS3Source } = await import('./s3-source.ts');
    const sourceDeps: CloudTrailS3Deps = { ...commonDeps(deps), ...extras };
    return trails.flatMap((trail) =>
      trail.accounts.flatMap((account) =>
        trail.regions.map((region) => new CloudTrailS3Source(trail, { account, region }, sourceDeps)),
      ),
    );
  },
});
