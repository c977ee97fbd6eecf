import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/tmp.ts';
import { sampleItem, sampleNotification } from '../../test/helpers/notification.ts';
import { CHANNEL_KINDS } from './channel-kinds.ts';
import { diffExcerpt } from './excerpt.ts';
import { escapeSlack } from './markup.ts';
import { loadTemplates, renderMessage, splitTemplate } from './template.ts';

const chat = { isIdempotent: false };
const TEMPLATES = join(import.meta.dirname, '..', '..', 'templates');

test('splits {{ }} expressions, keeping braces and quotes inside them', () => {
  assert.deepEqual(splitTemplate(`a {{ {'x': 'y}}'}['x'] }} b {{ total }}`), [
    { text: 'a ' },
    { expression: `{'x': 'y}}'}['x']` },
    { text: ' b ' },
    { expression: 'total' },
  ]);
  assert.throws(() => splitTemplate('a {{ total'), /unclosed \{\{/);
});

test('a policy template replaces the default for its kind only; problems name file and place', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'slack.yaml'), 'single: {title: "default {{ first.subject }}"}\n');
  writeFileSync(
    join(dir, 'iam.slack.yaml'),
    'single: {title: "IAM: {{ first.actor.name }}", fields: [{label: Empty, value: "{{ first.githubUrl == null ? ' +
      "'' : 'x' }}\"}]}\n",
  );
  writeFileSync(join(dir, 'broken.slack.yaml'), 'single: {title: "{{ frist.subject }}"}\n');
  writeFileSync(join(dir, 'pager.yaml'), 'single: {title: x}\n');
  const { templates, problems } = loadTemplates(dir);
  assert.deepEqual(
    problems.map((problem) => problem.replace(dir, 'DIR')),
    [
      'DIR/broken.slack.yaml: single.title: {{ frist.subject }}: Unknown variable: frist',
      'DIR/pager.yaml: (file name): expected <kind>.yaml or <template>.<kind>.yaml with kind one of slack, ' +
        'teams, discord, mattermost, webhook, github',
    ],
  );
  const render = (name: string | null) =>
    renderMessage(
      templates.resolve('slack', name) as never,
      sampleNotification({ items: [sampleItem({ githubUrl: null })] }),
      escapeSlack,
      chat,
    );
  assert.equal(render(null).title, 'default create rbac.authorization.k8s.io/clusterrolebindings ops-admin');
  assert.equal(render('iam').title, 'IAM: alice@example.com');
  assert.deepEqual(render('iam').fields, [], 'empty values are left out');
  assert.equal(render('unknown').title, render(null).title, 'an unknown template falls back to the default');
  assert.equal(templates.resolve('teams', 'iam'), null, 'no default for teams in this folder');
});

test('interpolated values are escaped for the channel, the template text is not', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'slack.yaml'), 'single: {title: "*{{ first.actor.name }}*"}\n');
  const { templates } = loadTemplates(dir);
  const message = renderMessage(
    templates.resolve('slack', null) as never,
    sampleNotification({ items: [sampleItem({ actor: { name: '<!channel> & co', email: 'x' } })] }),
    escapeSlack,
    chat,
  );
  assert.equal(message.title, '*&lt;!channel&gt; &amp; co*');
});

test('every part of every shipped template says when a message is re-sent after an interrupted attempt', () => {
  const { templates, problems } = loadTemplates(TEMPLATES);
  assert.deepEqual(problems, []);
  const items = [sampleItem(), sampleItem({ shortSha: 'fedcba987654', subject: 'update configmaps app' })];
  const messages = {
    single: sampleNotification(),
    group: sampleNotification({ kind: 'group', items }),
    summary: sampleNotification({ kind: 'summary', items, total: 30, rateLimit: '5 per 1h' }),
  };
  for (const kind of CHANNEL_KINDS) {
    const template = templates.resolve(kind, null);
    assert.ok(template, kind);
    for (const [part, message] of Object.entries(messages)) {
      const where = `${kind} ${part}`;
      const footer = (resumed: boolean, isIdempotent: boolean) =>
        renderMessage(template, { ...message, resumed, attempt: resumed ? 2 : 1 }, (value) => value, { isIdempotent })
          .footer;
      assert.doesNotMatch(footer(false, false), /re-sent/, where);
      assert.match(footer(true, false), /re-sent after an interrupted attempt, may repeat$/, where);
      assert.match(
        footer(true, true),
        /re-sent after an interrupted attempt$/,
        `${where}: a receiver that dedupes sees it once`,
      );
    }
  }
});

test('diff excerpts keep hunks within bounds and shorten secret hashes', () => {
  const hash = `hmac-sha256:${'ab'.repeat(32)}`;
  const diff = [
    'diff --git a/x.yaml b/x.yaml',
    'index 1..2 100644',
    '--- a/x.yaml',
    '+++ b/x.yaml',
    '@@ -1,3 +1,3 @@',
    ' kind: Secret',
    '-  password: hmac-sha256:' + 'cd'.repeat(32),
    `+  password: ${hash}`,
    ...Array.from({ length: 40 }, (_, i) => `+line ${i}`),
  ].join('\n');
  const excerpt = diffExcerpt(diff, { lines: 6, chars: 1000, lineChars: 80 });
  assert.deepEqual(excerpt.split('\n'), [
    '@@ -1,3 +1,3 @@',
    ' kind: Secret',
    '-  password: hmac-sha256:cdcdcdcd…',
    '+  password: hmac-sha256:abababab…',
    '+line 0',
    '+line 1',
    '… 38 more lines',
  ]);
  assert.equal(
    diffExcerpt(`@@ -1 +1 @@\n+${'x'.repeat(500)}`, { lines: 10, chars: 1000, lineChars: 50 }).split('\n')[1]?.length,
    50,
  );
});

test('escapes per chat format: GitHub drops HTML, Markdown characters render as typed (issue 10)', async () => {
  const { escapeHtml, escapeMarkdown } = await import('./markup.ts');
  assert.equal(
    escapeHtml(escapeMarkdown('<img src=x onerror=alert(1)> *bold*')),
    '&lt;img src=x onerror=alert(1)&gt; \\*bold\\*',
  );
});
