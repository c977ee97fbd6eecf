import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkMirrors, MirrorConfig, mirrorName, mirrorNames, mirrorUrl } from './config.ts';
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

test('names: configured, else from the URL; derived names made unique after configured ones are taken', () => {
  const mirrors = [
    { url: 'https://git.example/team/Audit.git' },
    { url: 'https://backup.example/audit.git' },
    { url: 'https://third.example/x/audit', name: 'audit-2' },
    { github: { repository: 'acme/infra_history' } },
    { url: 'https://git.example/' },
  ].map((mirror) => MirrorConfig.parse(mirror));
  assert.deepEqual(mirrorNames(mirrors), ['audit', 'audit-3', 'audit-2', 'infra-history', 'remote']);
  assert.deepEqual(
    checkMirrors([...mirrors, MirrorConfig.parse({ url: 'https://y.example/a.git', name: 'audit-2' })]),
    ['mirrors[5].name: audit-2 is already the name of mirrors[2]'],
  );
});

test('a URL carrying credentials is refused: the token belongs in token, from the environment or a file', () => {
  const result = MirrorConfig.safeParse({ url: 'https://x-access-token:ghp_secret@github.com/acme/audit.git' });
  assert.equal(result.success, false);
  assert.match(result.error?.issues[0]?.message ?? '', /must not carry credentials/);
  assert.equal(MirrorConfig.parse({ url: 'https://github.com/acme/audit.git' }).transport, 'auto');
});
