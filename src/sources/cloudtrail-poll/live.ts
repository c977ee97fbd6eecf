// The `cloudtrail:` section: one poller per account and region, plus a us-east-1 reader of the
// global services' events (issue 4).
import { commonDeps, liveSourceKind, type LiveSourceBaseDeps } from '../live-kind.ts';
import { CloudTrailPollConfig } from './config.ts';
import type { CloudTrailPollDeps } from './poll-source.ts';

export const cloudTrailPollKind = liveSourceKind({
  key: 'cloudtrail',
  folder: 'cloudtrail-poll',
  item: CloudTrailPollConfig,
  description: 'AWS accounts whose CloudTrail event history is polled (issue 4)',
  targets: (account, index) =>
    account.regions.map((region) => ({
      key: `${account.account}/${region}`,
      duplicate: (first) =>
        first === index
          ? `cloudtrail[${index}].regions: ${region} is listed twice`
          : `cloudtrail[${index}].regions: ${region} of account ${account.account} is already polled by ` +
            `cloudtrail[${first}]`,
    })),
  build: async (accounts, deps, extras: Partial<Omit<CloudTrailPollDeps, keyof LiveSourceBaseDeps>> | undefined) => {
    if (accounts.length === 0) return [];
    const { CloudTrailPollSource } = await import('./poll-source.ts');
    const sourceDeps: CloudTrailPollDeps = { ...commonDeps(deps), ...extras };
    return accounts.flatMap((account) => {
      const regions = account.regions.map(
        (region) => new CloudTrailPollSource(account, { region, globalOnly: false }, sourceDeps),
      );
      // IAM, STS and other global services log to us-east-1 only.
      const needsGlobal = account.globalEvents && !account.regions.includes('us-east-1');
      return needsGlobal
        ? [...regions, new CloudTrailPollSource(account, { region: 'us-east-1', globalOnly: true }, sourceDeps)]
        : regions;
    });
  },
});
