// The GitHub channel through the real octokit against a fake GitHub API on 127.0.0.1.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { FakeGitHub } from '../../../test/fakes/github-api.ts';
import { sampleItem, sampleNotification } from '../../../test/helpers/notification.ts';
import { ChannelConfig } from '../config.ts';
import { DeliveryError, type Notifier } from '../notifier.ts';
import { createNotifier } from '../registry.ts';
import { loadTemplates } from '../template.ts';

let github: FakeGitHub;
const pushed = new Set<string>();
before(async () => {
  github = await FakeGitHub.start({
    token: 'ghp_test',
    login: 'gitrail-bot',
    hasCommit: (_owner, _repo, sha) => pushed.has(sha),
  });
  github.repos.set('acme/audit', { owner: 'acme', name: 'audit', private: true, description: null });
});
after(() => github.close());

function notifier(as: 'issue' | 'commit-comment', token = 'ghp_test'): Notifier {
  const { templates } = loadTemplates(join(import.meta.dirname, '..', '..', '..', 'templates'));
  const config = ChannelConfig.parse({
    kind: 'github',
    repository: 'acme/audit',
    token: { env: 'GH_TOKEN' },
    apiUrl: github.url,
    as,
  });
  return createNotifier(config, {
    id: 'gh',
    templates,
    log: pino({ level: 'silent' }),
    env: { GH_TOKEN: token },
    timeoutMs: 5_000,
  });
}
const signal = () => new AbortController().signal;

test(
  'opens an issue with the message and a delivery marker; a resumed delivery finds it instead of opening ' + 'another',
  async () => {
    // Older gitrail issues fill the first page, so finding the marker needs pagination.
    github.issues.set(
      'acme/audit',
      Array.from({ length: 120 }, (_, i) => ({
        number: 1000 + i,
        title: `old ${i}`,
        body: 'older',
        labels: ['gitrail'],
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })),
    );
    const message = sampleNotification({ id: 'issue-delivery-1' });
    await notifier('issue').send(message, signal());
    const issues = github.issues.get('acme/audit') ?? [];
    const created = issues.at(-1);
    assert.equal(issues.length, 121);
    assert.match(created?.title ?? '', /^Kubernetes RBAC changed: alice@example.com create/);
    assert.deepEqual(created?.labels, ['gitrail']);
    assert.match(created?.body ?? '', /```diff\n@@ -0,0 \+1,3 @@/);
    assert.match(created?.body ?? '', /<!-- gitrail-delivery: issue-delivery-1 -->$/);

    await notifier('issue').send({ ...message, resumed: true, attempt: 2 }, signal());
    assert.equal(github.issues.get('acme/audit')?.length, 121, 'no second issue for the same delivery');
  },
);

test('comments on the matched commit once it is pushed; 422 before that is retryable', async () => {
  const sha = 'feedfacefeedfacefeedfacefeedfacefeedface';
  const message = sampleNotification({
    id: 'comment-delivery-1',
    items: [sampleItem({ sha, shortSha: sha.slice(0, 12) })],
  });
  await assert.rejects(
    notifier('commit-comment').send(message, signal()),
    (error: unknown) => error instanceof DeliveryError && error.retryable && error.status === 422,
  );
  pushed.add(sha);
  await notifier('commit-comment').send({ ...message, attempt: 2 }, signal());
  await notifier('commit-comment').send({ ...message, attempt: 3, resumed: true }, signal());
  const comments = github.comments.get(`acme/audit@${sha}`) ?? [];
  assert.equal(comments.length, 1);
  assert.match(comments[0]?.body ?? '', /gitrail-delivery: comment-delivery-1/);
});

test('rate limits are retryable with the wait GitHub asks for; bad credentials are not', async () => {
  github.failNext(/^POST \/repos\/acme\/audit\/issues$/, 403, { 'retry-after': '60', 'x-ratelimit-remaining': '0' });
  await assert.rejects(
    notifier('issue').send(sampleNotification({ id: 'limited' }), signal()),
    (error: unknown) => error instanceof DeliveryError && error.retryable && error.retryAfterMs === 60_000,
  );
  await assert.rejects(
    notifier('issue', 'wrong').send(sampleNotification({ id: 'denied' }), signal()),
    (error: unknown) => error instanceof DeliveryError && !error.retryable && error.status === 401,
  );
});

test('@-mentions in audit data cannot ping people on GitHub', async () => {
  await notifier('issue').send(
    sampleNotification({
      id: 'mention',
      items: [sampleItem({ actor: { name: '@security-team', email: 'x@example.com' } })],
    }),
    signal(),
  );
  const issue = github.issues.get('acme/audit')?.at(-1);
  assert.doesNotMatch(`${issue?.title}\n${issue?.body}`.replace(/<!--.*-->/, ''), /(^|\s)@security-team/);
});
