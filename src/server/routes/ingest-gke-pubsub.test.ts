// The Pub/Sub push route end to end: the real daemon, a key set served on 127.0.0.1 as Google
// serves its own, and push requests carrying tokens signed with jose the way Google signs them.
// The commits equal those of the same change as a kube-apiserver audit event.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { generateKeyPair } from 'jose';
import { pino } from 'pino';
import { Config } from '../../config/schema.ts';
import { startDaemon } from '../../main.ts';
import { gitrail } from '../../../test/helpers/cli.ts';
import { fsckStrict, git } from '../../../test/helpers/git.ts';
import { google, jwksServer, PUSHER, pushToken } from '../../../test/helpers/google-oidc.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';

const AUDIENCE = 'https://gitrail.example.com/ingest/gke/prod/pubsub';
const log = pino({ level: 'silent' });
const fixtures = join(import.meta.dirname, '../../sources');
const entry = JSON.parse(readFileSync(join(fixtures, 'gke-audit/__fixtures__/deployment-create.entry.json'), 'utf8'));
const webhookEvent = join(fixtures, '../formats/kubernetes-audit/__fixtures__/deployment-create.event.json');

const stranger = await generateKeyPair('RS256');

const token = (claims: Record<string, unknown> = {}, key = google.privateKey, expires = '1h') =>
  pushToken(AUDIENCE, claims, key, expires);

const envelope = (data: unknown, messageId = '9001') => ({
  message: {
    data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64'),
    attributes: { 'logging.googleapis.com/timestamp': '2026-11-02T10:00:00Z' },
    messageId,
    publishTime: '2026-11-02T10:00:01.123Z',
  },
  subscription: 'projects/shop-prod/subscriptions/gitrail-gke-audit',
});

async function daemon(t: TestContext, route: Record<string, unknown> = {}) {
  const keys = await jwksServer(t);
  const gkePubSub = { enabled: true, audience: AUDIENCE, jwksUrl: keys.url, clusters: ['prod'], ...route };
  const config = Config.parse({ data: tempDir(t), listen: '127.0.0.1:0', intake: { gkePubSub } });
  const running = await startDaemon({ config, env: {}, log });
  t.after(() => running.stop('test end'));
  const push = async (body: unknown, jwt: string | null, cluster = 'prod') => {
    const response = await fetch(`${running.url}/ingest/gke/${cluster}/pubsub`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(jwt ? { authorization: `Bearer ${jwt}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { running, push, keys };
}

function history(gitdir: string): string[] {
  return git(gitdir, 'log', '--reverse', '--name-only', '--format=%an <%ae> %aI %s%n%(trailers:only,unfold)', 'main')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('Received-At:'));
}

test('a pushed GKE entry commits what the webhook commits for the same change; redelivery adds nothing', async (t) => {
  const { running, push } = await daemon(t);
  const first = await push(envelope(entry), await token());
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body['changes'], 1);
  assert.equal((await push(envelope(entry, '9002'), await token())).status, 200, 'Pub/Sub delivers at least once');
  // A message that holds no usable entry is acknowledged (else redelivered for days) and counted.
  const poison = await push(envelope('{"protoPayload": not json'), await token());
  assert.equal(poison.status, 200);
  assert.equal(poison.body['rejected'], 1);
  assert.match(JSON.stringify(poison.body['problems']), /message 9001: data is not a JSON LogEntry/);
  assert.doesNotMatch(JSON.stringify(poison.body), /not json/, 'the data is not quoted back');
  assert.equal(await running.stop('test'), 0);
  fsckStrict(running.gitdir);

  const dir = tempDir(t);
  const ingest = gitrail(['ingest', '--data', join(dir, 'data'), '--cluster', 'prod', webhookEvent]);
  assert.equal(ingest.status, 0, ingest.stderr);
  const pushed = history(running.gitdir);
  // Cloud Logging keeps the principal, not its groups: the one trailer the webhook has and GKE cannot.
  const webhook = history(join(dir, 'data', 'repo.git'));
  assert.deepEqual(
    webhook.filter((line) => line.startsWith('Groups:')),
    ['Groups: system:authenticated'],
  );
  assert.deepEqual(
    pushed,
    webhook.filter((line) => !line.startsWith('Groups:')),
  );
  assert.match(pushed[0] ?? '', /^alice@example\.com <alice@example\.com> /);
  assert.ok(pushed.includes('kubernetes/prod/namespaces/shop/apps/deployments/web.yaml'));
});

test('Cloud Audit Logs entries of other services pushed to the route are recorded as GCP resources', async (t) => {
  const { running, push } = await daemon(t);
  const gcp = (name: string) => JSON.parse(readFileSync(join(fixtures, 'gcp-audit/__fixtures__', name), 'utf8'));
  const policy = await push(envelope(gcp('set-iam-policy.entry.json'), '9101'), await token());
  assert.equal(policy.status, 200, JSON.stringify(policy.body));
  assert.equal(policy.body['changes'], 1);
  const failed = await push(envelope(gcp('failed-insert.entry.json'), '9102'), await token());
  assert.equal(failed.status, 200, JSON.stringify(failed.body));
  assert.equal(await running.stop('test'), 0);
  fsckStrict(running.gitdir);
  assert.deepEqual(history(running.gitdir), [
    'alice@example.com <alice@example.com> 2026-03-02T10:15:04+00:00 SetIamPolicy projects/my-project',
    'Source: gcp-audit',
    'Project: my-project',
    'Location: global',
    'Event-ID: -x7bd2ke1b4wq',
    'Verb: SetIamPolicy',
    'Service: cloudresourcemanager.googleapis.com',
    'Source-IP: 203.0.113.10',
    'User-Agent: google-cloud-sdk gcloud/470.0.0 command/gcloud.projects.add-iam-policy-binding',
    'Attribution: exact',
    'gcp/my-project/global/cloudresourcemanager/projects/my-project.yaml',
  ]);
  const file = git(running.gitdir, 'show', 'main:gcp/my-project/global/cloudresourcemanager/projects/my-project.yaml');
  assert.match(
    file,
    /iamPolicy:\n {2}bindings:\n {4}- members:\n {8}- user:alice@example\.com\n {6}role: roles\/owner/,
  );
  // The failed call is on activity, authored by whoever made it.
  assert.match(
    git(running.gitdir, 'log', '-1', '--format=%an %s', 'activity'),
    /^alice@example\.com .*INVALID_ARGUMENT/,
  );
  // The same entry through `gitrail ingest` writes the same commit.
  const dir = tempDir(t);
  const policyFile = join(fixtures, 'gcp-audit/__fixtures__/set-iam-policy.entry.json');
  const ingest = gitrail(['ingest', '--data', join(dir, 'data'), policyFile]);
  assert.equal(ingest.status, 0, ingest.stderr);
  assert.deepEqual(history(join(dir, 'data', 'repo.git')), history(running.gitdir));
});

test('tokens are checked: signature, audience, expiry, issuer, service account; nothing is recorded', async (t) => {
  const { push, running } = await daemon(t, { serviceAccounts: [PUSHER] });
  const body = envelope(entry);
  const cases: Array<[string | null, number, RegExp]> = [
    [null, 401, /needs the push subscription's OIDC token/],
    ['not-a-jwt', 401, /malformed/],
    [await token({}, stranger.privateKey), 401, /signature does not verify/],
    [await token({ aud: 'https://elsewhere.example.com' }), 401, /aud claim is not accepted/],
    [await token({ iss: 'https://evil.example.com' }), 401, /iss claim is not accepted/],
    [await token({}, google.privateKey, '-1m'), 401, /expired/],
    [await token({ email_verified: false }), 401, /no verified service account/],
    [await token({ email: 'someone@else.iam.gserviceaccount.com' }), 403, /not listed in intake\.gkePubSub/],
  ];
  for (const [jwt, status, reason] of cases) {
    const answer = await push(body, jwt);
    assert.equal(answer.status, status, String(reason));
    assert.match(String(answer.body['detail']), reason);
  }
  const other = await push(body, await token(), 'staging');
  assert.equal(other.status, 403);
  assert.equal((await push({ messages: [] }, await token())).status, 400, 'not a push envelope');
  assert.equal(await running.stop('test'), 0);
  assert.equal(git(running.gitdir, 'rev-list', '--all').trim(), '', 'nothing was committed');
});

test(
  'while the key set cannot be read the push gets 503 and is retried; ' + 'an entry of another cluster is refused',
  async (t) => {
    const { push, keys } = await daemon(t);
    keys.state.down = true;
    const down = await push(envelope(entry), await token());
    assert.equal(down.status, 503);
    assert.match(String(down.body['detail']), /cannot be read now/);
    keys.state.down = false;
    const other = {
      ...entry,
      resource: { ...entry.resource, labels: { ...entry.resource.labels, cluster_name: 'dev' } },
    };
    const refused = await push(envelope(other), await token());
    assert.equal(refused.status, 200);
    assert.match(
      JSON.stringify(refused.body['problems']),
      /cluster_name dev is not the cluster named in paths \(prod\)/,
    );
  },
);

test('the route is off by default, and enabling it without an audience is a configuration error', () => {
  assert.equal(Config.parse({}).intake.gkePubSub.enabled, false);
  const result = Config.safeParse({ intake: { gkePubSub: { enabled: true } } });
  assert.equal(result.success, false);
  assert.match(JSON.stringify(result.error?.issues), /audience is required when the route is enabled/);
});
