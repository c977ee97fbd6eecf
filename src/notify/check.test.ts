// `gitrail check-config` covers issue 5: policies, templates, channels named by policies,
// channel and mirror secrets; nothing is checked when no channel is configured.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gitrail } from '../../test/helpers/cli.ts';
import { tempDir } from '../../test/helpers/tmp.ts';

const TEMPLATES = join(import.meta.dirname, '..', '..', 'templates');

test('check-config reports policy, channel and secret problems as path: message', (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'policies'));
  writeFileSync(join(dir, 'policies', 'ok.yaml'), 'match: {branch: main}\nchannels: [ops, pager]\n');
  writeFileSync(join(dir, 'policies', 'bad.yaml'), 'match: {expression: "after.kind =="}\nchannels: [ops]\n');
  const config = join(dir, 'gitrail.yaml');
  writeFileSync(
    config,
    [
      'notify:',
      `  policies: ${join(dir, 'policies')}`,
      `  templates: ${TEMPLATES}`,
      '  channels:',
      '    ops: {kind: slack, url: {env: OPS_SLACK_URL}}',
      'mirrors:',
      '  - {url: "https://git.example/audit.git", token: {env: MIRROR_TOKEN}}',
      '',
    ].join('\n'),
  );
  const run = gitrail(['check-config', '--config', config], {
    env: { GITRAIL_CONFIG: '', OPS_SLACK_URL: '', MIRROR_TOKEN: '' },
  });
  assert.equal(run.status, 1);
  const lines = run.stderr.trim().split('\n');
  assert.match(lines[0] ?? '', /bad\.yaml: match\.expression: /);
  assert.ok(
    lines.includes(
      `${join(dir, 'policies', 'ok.yaml')}: channels.1: policy ok names channel "pager", which is not in ` +
        `notify.channels (ops)`,
    ),
    run.stderr,
  );
  assert.ok(lines.includes('notify.channels.ops.url: environment variable OPS_SLACK_URL is not set'), run.stderr);
  assert.ok(lines.includes('mirrors[0].token: environment variable MIRROR_TOKEN is not set'), run.stderr);

  writeFileSync(join(dir, 'policies', 'bad.yaml'), 'match: {branch: activity}\nchannels: [ops]\n');
  writeFileSync(join(dir, 'policies', 'ok.yaml'), 'match: {branch: main}\nchannels: [ops]\n');
  const fixed = gitrail(['check-config', '--config', config], {
    env: { GITRAIL_CONFIG: '', OPS_SLACK_URL: 'https://hooks.slack.invalid/x', MIRROR_TOKEN: 'token' },
  });
  assert.equal(fixed.status, 0, fixed.stderr);
});
