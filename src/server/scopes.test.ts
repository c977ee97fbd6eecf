// Issue 10 item 5: tokens bound to scopes, through the real daemon (HTTP on 127.0.0.1, journal,
// git). A token granted `kubernetes:lab` writes the lab cluster and nothing else: another cluster
// gets 403, routes its scopes do not reach get 401, and nothing of either reaches git; CloudTrail
// records of accounts outside a token's scope are refused one by one (403 when none is in scope).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { checkRules } from '../config/rules.ts';
import { Config } from '../config/schema.ts';
import { startDaemon } from '../main.ts';
import { auditEvent, cloudTrailRecord, eventList, genericEvent } from '../../test/helpers/intake-fixtures.ts';
import { git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';

const OPERATOR = 'operator-token-0123456789';
const LAB = 'lab-token-0123456789abc';
const AUDITOR = 'ct-token-0123456789abcd';
const CI = 'ci-events-token-0123456789';
const env = { GITRAIL_INGEST_TOKEN: OPERATOR, LAB, AUDITOR, CI };
const OTHER_ACCOUNT = '999988887777';

function otherAccountRecord(index: number): Record<string, unknown> {
  const record: Record<string, unknown> = { ...cloudTrailRecord(index), recipientAccountId: OTHER_ACCOUNT };
  record['userIdentity'] = { ...(record['userIdentity'] as object), accountId: OTHER_ACCOUNT };
  return record;
}

test(
  'grants: each token writes inside its scopes only; ' + 'outside them 403 (or 401) and nothing is committed',
  async (t) => {
    const config = Config.parse({
      data: tempDir(t),
      listen: '127.0.0.1:0',
      intake: {
        grants: [
          { token: { env: 'LAB' }, scopes: ['kubernetes:lab'] },
          { token: { env: 'AUDITOR' }, scopes: ['cloudtrail:111122223333'] },
          { token: { env: 'CI' }, scopes: ['events:deploys'] },
        ],
      },
    });
    assert.deepEqual(checkRules(config, env).problems, []);
    const daemon = await startDaemon({ config, env, log: pino({ level: 'silent' }) });
    const post = async (path: string, body: unknown, token: string) => {
      const response = await fetch(`${daemon.url}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    // kubernetes:lab
    assert.equal((await post('/ingest/kubernetes/lab/audit', eventList([auditEvent(1)]), LAB)).status, 202);
    const prod = await post('/ingest/kubernetes/prod/audit', eventList([auditEvent(2)]), LAB);
    assert.equal(prod.status, 403);
    assert.match(JSON.stringify(prod.body), /kubernetes:prod/);
    assert.equal((await post('/ingest/events/deploys', [genericEvent(3)], LAB)).status, 401, 'no events scope');
    assert.equal((await post('/ingest/cloudtrail', { Records: [cloudTrailRecord(4)] }, LAB)).status, 401);

    // events:deploys
    assert.equal((await post('/ingest/events/deploys', [genericEvent(5)], CI)).status, 202);
    assert.equal((await post('/ingest/events/flags', [genericEvent(6)], CI)).status, 403);
    assert.equal((await post('/ingest/kubernetes/lab/audit', eventList([auditEvent(7)]), CI)).status, 401);

    // cloudtrail:111122223333: records of other accounts refused one by one, 403 when none is in scope.
    const mixed = await post('/ingest/cloudtrail', { Records: [cloudTrailRecord(8), otherAccountRecord(9)] }, AUDITOR);
    assert.equal(mixed.status, 202);
    assert.equal(mixed.body['recorded'], 1);
    assert.deepEqual(mixed.body['problems'], [
      { index: 1, reason: `account ${OTHER_ACCOUNT} is outside the bearer token's scopes` },
    ]);
    assert.equal((await post('/ingest/cloudtrail', { Records: [otherAccountRecord(10)] }, AUDITOR)).status, 403);

    // The operator's own token keeps `*`.
    assert.equal((await post('/ingest/kubernetes/prod/audit', eventList([auditEvent(11)]), OPERATOR)).status, 202);
    assert.equal(await daemon.stop('test'), 0);

    const files = git(daemon.gitdir, 'ls-tree', '-r', '--name-only', 'main').trim().split('\n');
    const written = (pattern: RegExp) => files.filter((file) => pattern.test(file)).length;
    assert.equal(written(/^kubernetes\/lab\//), 1, 'the lab event');
    assert.equal(written(/^kubernetes\/prod\//), 1, "only the operator's prod event");
    assert.equal(written(/^custom\/deploys\//), 1);
    assert.equal(written(/^custom\/flags\//), 0);
    assert.equal(written(/^aws\//), 1, 'only the in-scope CloudTrail record');
    assert.equal(git(daemon.gitdir, 'log', '--all', '--format=%B').includes(OTHER_ACCOUNT), false);
    assert.equal(git(daemon.gitdir, 'rev-list', '--count', 'main').trim(), '4', 'four accepted records, four commits');
  },
);

test('grant tokens shorter than 16 characters and malformed scopes are configuration problems', () => {
  const config = Config.parse({ intake: { grants: [{ token: { env: 'SHORT' }, scopes: ['kubernetes:lab'] }] } });
  assert.deepEqual(checkRules(config, { SHORT: 'too-short' }).problems, [
    'intake.grants[0].token: the token is shorter than 16 characters',
  ]);
  const bad = Config.safeParse({
    intake: { grants: [{ token: { env: 'X' }, scopes: ['kubernetes:lab/x', 'cloudtrail:12'] }] },
  });
  assert.equal(bad.success, false);
  assert.match(JSON.stringify(bad.error?.issues), /must be kubernetes:<cluster>/);
  const none = Config.safeParse({ intake: { grants: [{ token: { env: 'X' }, scopes: [] }] } });
  assert.equal(none.success, false, 'a grant with no scope at all is refused');
});
