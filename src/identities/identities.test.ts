// One person, one author: with `identities:` the data folder's repository shows a person's
// Kubernetes and AWS changes as one author to plain git (log, --author, shortlog), while every
// commit keeps the author its source named. Real `gitrail ingest`, real git.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gitrail } from '../../test/helpers/cli.ts';
import { git } from '../../test/helpers/git.ts';
import { auditEvent, cloudTrailRecord } from '../../test/helpers/intake-fixtures.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { formatMailmap, IdentitiesConfig, parseMailmap } from './mailmap.ts';

const ALICE = {
  name: 'Alice Example',
  email: 'alice@example.com',
  aliases: ['alice@kubernetes.invalid', 'alice@111122223333.aws.invalid'],
};

function cloudTrailByIamUser(): Record<string, unknown> {
  const record = cloudTrailRecord(2, { roleName: 'deployer' });
  return {
    ...record,
    userIdentity: {
      type: 'IAMUser',
      userName: 'alice',
      arn: 'arn:aws:iam::111122223333:user/alice',
      accountId: '111122223333',
    },
  };
}

test('identities: plain git shows the Kubernetes and AWS author as one person; commits keep what sources said', (t) => {
  const dir = tempDir(t);
  const data = join(dir, 'data');
  const event = { ...auditEvent(1), user: { username: 'alice', groups: ['system:authenticated'] } };
  writeFileSync(join(dir, 'audit.ndjson'), `${JSON.stringify(event)}\n`);
  writeFileSync(join(dir, 'trail.json'), JSON.stringify({ Records: [cloudTrailByIamUser(), cloudTrailRecord(3)] }));
  const config = join(dir, 'gitrail.yaml');
  writeFileSync(
    config,
    `identities:\n  - name: ${ALICE.name}\n    email: ${ALICE.email}\n    aliases: [${ALICE.aliases.join(', ')}]\n`,
  );
  const run = gitrail(['ingest', '--config', config, '--data', data, '--cluster', 'prod', dir]);
  assert.equal(run.status, 0, run.stderr);
  const gitdir = join(data, 'repo.git');
  const raw = git(gitdir, 'log', '--no-mailmap', '--format=%an <%ae>', 'main').trim().split('\n').sort();
  assert.deepEqual(raw, [
    'alice <alice@111122223333.aws.invalid>',
    'alice <alice@kubernetes.invalid>',
    'alice@example.com <alice@example.com>',
  ]);
  assert.equal(git(gitdir, 'shortlog', '-sne', 'main').trim(), '3\tAlice Example <alice@example.com>');
  assert.equal(git(gitdir, 'log', '--author=Alice Example', '--format=%h', 'main').trim().split('\n').length, 3);
  assert.equal(git(gitdir, 'config', 'mailmap.file').trim(), join(data, 'mailmap'));

  // gitrail's own investigator reads the same mailmap: --author names the person.
  const changes = gitrail(['changes', '--data', data, '--author', 'Alice Example', '--format', 'json', '--no-pager']);
  assert.equal(changes.status, 0, changes.stderr);
  assert.equal(changes.stdout.trim().split('\n').length, 3, changes.stdout);

  // Without identities the mailmap goes: git shows each source's author again.
  writeFileSync(config, 'identities: []\n');
  assert.equal(gitrail(['ingest', '--config', config, '--data', data, dir]).status, 0);
  assert.equal(existsSync(join(data, 'mailmap')), false);
  assert.equal(git(gitdir, 'shortlog', '-sne', 'main').trim().split('\n').length, 3);
});

test('the mailmap and the mapping agree with git: aliases compare case-insensitively; an author is one person', () => {
  const identities = IdentitiesConfig.parse([ALICE]);
  assert.equal(
    formatMailmap(identities).split('\n').slice(1).join('\n'),
    'Alice Example <alice@example.com>\n' +
      'Alice Example <alice@example.com> <alice@kubernetes.invalid>\n' +
      'Alice Example <alice@example.com> <alice@111122223333.aws.invalid>\n',
  );
  const resolve = parseMailmap(formatMailmap(identities));
  assert.deepEqual(resolve({ name: 'alice', email: 'ALICE@kubernetes.invalid' }), {
    name: ALICE.name,
    email: ALICE.email,
  });
  assert.deepEqual(resolve({ name: 'bob', email: 'bob@example.com' }), { name: 'bob', email: 'bob@example.com' });
  const twice = IdentitiesConfig.safeParse([
    ALICE,
    { name: 'A. Other', email: 'a@example.com', aliases: ['Alice@kubernetes.invalid'] },
  ]);
  assert.match(
    JSON.stringify(twice.error?.issues),
    /already belongs to identities\[0\]: an author can be one person only/,
  );
  const bad = IdentitiesConfig.safeParse([{ name: 'Eve <x>', email: 'eve', aliases: [] }]);
  assert.equal(bad.error?.issues.length, 3);
});

test('parseMailmap reads every form of line as git check-mailmap does', (t) => {
  const dir = tempDir(t);
  const text = [
    '# comment',
    'Alice Example <alice@example.com>',
    'Alice Example <alice@example.com> <ALICE@kubernetes.invalid>',
    '<bob@example.com> <bob@111122223333.aws.invalid>',
    'Carol <carol@example.com> carol <carol@kubernetes.invalid>',
    'Dave Dee <dave@kubernetes.invalid>  # trailing comment',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'mailmap'), text);
  git(dir, 'init', '-q', '--bare', join(dir, 'r.git'));
  const gitdir = join(dir, 'r.git');
  git(gitdir, 'config', 'mailmap.file', join(dir, 'mailmap'));
  const people = parseMailmap(text);
  const contacts = [
    ['alice', 'alice@example.com'],
    ['alice', 'alice@kubernetes.invalid'],
    ['b', 'bob@111122223333.aws.invalid'],
    ['carol', 'carol@kubernetes.invalid'],
    ['someone else', 'carol@kubernetes.invalid'],
    ['d', 'dave@kubernetes.invalid'],
    ['eve', 'eve@example.com'],
  ] as const;
  for (const [name, email] of contacts) {
    const mapped = people({ name, email });
    assert.equal(`${mapped.name} <${mapped.email}>`, git(gitdir, 'check-mailmap', `${name} <${email}>`).trim());
  }
});
