// Fetches CloudTrail's digest-signing public keys of one region and time range with the
// ListPublicKeys API (each region signs with its own keys), following NextToken.
import { CloudTrailClient, ListPublicKeysCommand, type CloudTrailClientConfig } from '@aws-sdk/client-cloudtrail';
import { keyRing, readPublicKey, type PublicKeyRing } from '../../formats/cloudtrail/digests/public-keys.ts';

export interface ListPublicKeysOptions {
  readonly region: string;
  /** Digest end times to cover (epoch ms). */
  readonly from: number;
  readonly to: number;
  readonly clientConfig?: Partial<CloudTrailClientConfig>;
  readonly signal?: AbortSignal;
}

export async function listPublicKeys(options: ListPublicKeysOptions): Promise<PublicKeyRing> {
  const client = new CloudTrailClient({
    region: options.region,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
    ...options.clientConfig,
  });
  try {
    const entries: Array<readonly [string, ReturnType<typeof readPublicKey>]> = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListPublicKeysCommand({
          StartTime: new Date(options.from),
          EndTime: new Date(options.to),
          ...(token ? { NextToken: token } : {}),
        }),
        options.signal ? { abortSignal: options.signal } : {},
      );
      for (const key of page.PublicKeyList ?? []) {
        if (!key.Fingerprint || !key.Value) continue;
        entries.push([key.Fingerprint, readPublicKey(key.Value, `ListPublicKeys key ${key.Fingerprint}`)]);
      }
      token = page.NextToken;
    } while (token);
    return keyRing(entries);
  } finally {
    client.destroy();
  }
}
