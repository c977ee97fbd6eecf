// Google's side of a Pub/Sub push: a key set served on 127.0.0.1 as
// https://www.googleapis.com/oauth2/v3/certs serves it (`down` answers 500), and OIDC tokens signed
// with jose the way Google signs them for a push subscription.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const PUSHER = 'pubsub-push@shop-prod.iam.gserviceaccount.com';

export const google = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(google.publicKey)), kid: 'google-1', alg: 'RS256', use: 'sig' };

export async function jwksServer(t: TestContext) {
  const state = { down: false };
  const server = createServer((_req, res) => {
    res.writeHead(state.down ? 500 : 200, { 'content-type': 'application/json' });
    res.end(state.down ? '{}' : JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/v3/certs`, state };
}

/** A push token for `audience`; claims override Google's defaults. */
export function pushToken(
  audience: string,
  claims: Record<string, unknown> = {},
  key = google.privateKey,
  expires = '1h',
): Promise<string> {
  const defaults = { iss: 'https://accounts.google.com', aud: audience, email: PUSHER, email_verified: true };
  return new SignJWT({ ...defaults, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'google-1', typ: 'JWT' })
    .setSubject('112233445566778899')
    .setIssuedAt()
    .setExpirationTime(expires)
    .sign(key);
}
