// The credentials an AWS source signs with: a shared-config profile, the usual chain, or a role
// assumed with STS AssumeRole from either (AWS Organizations: one role per member account).
// The SDK's provider caches the temporary credentials and assumes the role again before they expire.
import { fromIni, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsAssumeRole } from '../config-schemas.ts';

export interface AwsAccess {
  readonly profile?: string | undefined;
  readonly assumeRole?: AwsAssumeRole | undefined;
}

/** Client settings for `access`: `{ profile }`, `{ credentials }` for a role, or nothing for the usual chain. */
export function awsCredentials(
  access: AwsAccess,
  region: string,
): { readonly profile?: string; readonly credentials?: ReturnType<typeof fromTemporaryCredentials> } {
  const { profile, assumeRole } = access;
  if (!assumeRole) return profile ? { profile } : {};
  return {
    credentials: fromTemporaryCredentials({
      params: {
        RoleArn: assumeRole.roleArn,
        RoleSessionName: assumeRole.sessionName,
        ...(assumeRole.externalId ? { ExternalId: assumeRole.externalId } : {}),
      },
      ...(profile ? { masterCredentials: fromIni({ profile }) } : {}),
      clientConfig: { region, ...(assumeRole.stsEndpoint ? { endpoint: assumeRole.stsEndpoint } : {}) },
    }),
  };
}
