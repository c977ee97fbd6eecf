import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkMirrors, MirrorConfig, mirrorName, mirrorUrl } from './config.ts';
import { githubCommitLink } from './start-mirrors.ts';

test('a mirror needs a URL or a GitHub repository; GitHub gives both URL and commit links', () => {
  const missing = MirrorConfig.safeParse({ token: { env: 'T' } });
  assert.equal(missing.success, false);
  assert.equal(missing.error?.issues[0]?.message, 'a mirror needs url, or github.repository');
  const github = MirrorConfig.parse({ github: { repository: 'acme/audit' }, branches: ['main'] });
  assert.equal(mirrorUrl(github), 'https://github.com/acme/audit.git');
  assert.equal(mirrorName(github), 'audit');
  assert.equal(github.github?.private, true);
  const link = githubCommitLink([MirrorConfig.parse({ url: 'https://git.example/x.git' }), github]);
  assert.equal(link('abc', 'main'), 'https://github.com/acme/audit/commit/abc');
  assert.equal(link('abc', 'activity'), null, 'activity is not pushed to that mirror');
});

test('check-config names mirror tokens that do not resolve', () => {
  const mirrors = [MirrorConfig.parse({ url: 'https://git.example/a.git', token: { env: 'MIRROR_TOKEN' } })];
  assert.deepEqual(checkMirrors(mirrors, {}), ['mirrors[0].token: environment variable MIRROR_TOKEN is not set']);
  assert.deepEqual(checkMirrors(mirrors, { MIRROR_TOKEN: 'x' }), []);
});
