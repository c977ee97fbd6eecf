// The digest checker of one trail as configured: the configured public keys, and (when allowed)
// the keys CloudTrail's ListPublicKeys returns; credentials that may not call it leave digests
// without a configured key unverified rather than failing the source.
import type { CloudTrailClientConfig } from '@aws-sdk/client-cloudtrail';
import { configuredKeyRing } from '../../formats/cloudtrail/digests/config.ts';
import { awsCredentials } from '../runtime/aws-credentials.ts';
import type { SourceContext } from '../source.ts';
import type { CloudTrailS3Config } from './config.ts';
import type { Trail } from './layout.ts';
import { listPublicKeys } from './list-public-keys.ts';
import { TrailDigests } from './trail-digests.ts';

/** Errors that say the credentials may not call ListPublicKeys: the digests stay unverified. */
const NOT_ALLOWED = /AccessDenied|NotAuthorized|UnrecognizedClient|CredentialsProviderError|InvalidClientTokenId/;

export function setUpTrailDigests(
  ctx: SourceContext,
  config: CloudTrailS3Config,
  trail: Trail,
  /** Extra settings of the CloudTrail client (tests: explicit credentials). */
  extraClientConfig: Partial<CloudTrailClientConfig> | undefined,
): TrailDigests {
  const settings = config.digests;
  const clientConfig: Partial<CloudTrailClientConfig> = {
    ...awsCredentials(config, config.bucketRegion),
    ...(settings.cloudtrailEndpoint ? { endpoint: settings.cloudtrailEndpoint } : {}),
    ...extraClientConfig,
  };
  const listKeys = async (from: number, to: number) => {
    try {
      return await listPublicKeys({ region: trail.region, from, to, clientConfig, signal: ctx.signal });
    } catch (error) {
      if (!NOT_ALLOWED.test((error as Error).name)) throw error;
      ctx.log.warn({ err: error }, 'ListPublicKeys is not allowed: digests without a configured key stay unverified');
      return null;
    }
  };
  return new TrailDigests({
    bucket: config.bucket,
    trail,
    stateDir: ctx.stateDir,
    waitFor: settings.waitFor,
    keys: configuredKeyRing(settings.publicKeys, 'cloudtrailS3[].digests'),
    ...(settings.listPublicKeys ? { listKeys } : {}),
  });
}
