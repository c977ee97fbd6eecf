import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  activityPath,
  boundPath,
  awsPath,
  customPath,
  escapeSegment,
  fileName,
  isShortenedSegment,
  kubernetesPath,
  nameFromFileName,
  statusSiblingPath,
  unescapeSegment,
} from './paths.ts';

test('the documented path layout', () => {
  assert.equal(
    kubernetesPath({ cluster: 'prod', namespace: 'default', group: 'apps', resource: 'deployments', name: 'nginx' }),
    'kubernetes/prod/namespaces/default/apps/deployments/nginx.yaml',
  );
  assert.equal(
    kubernetesPath({ cluster: 'prod', namespace: 'default', group: '', resource: 'configmaps', name: 'app' }),
    'kubernetes/prod/namespaces/default/core/configmaps/app.yaml',
  );
  assert.equal(
    kubernetesPath({
      cluster: 'prod',
      group: 'rbac.authorization.k8s.io',
      resource: 'clusterroles',
      name: 'system:aggregate-to-admin',
    }),
    'kubernetes/prod/cluster/rbac.authorization.k8s.io/clusterroles/system:aggregate-to-admin.yaml',
  );
  assert.equal(
    awsPath({ account: '123456789012', region: 'global', service: 'iam', resourceType: 'Role', id: 'deploy' }),
    'aws/123456789012/global/iam/Role/deploy.yaml',
  );
  assert.equal(customPath('flags', 'checkout/new'), 'custom/flags/checkout/new.yaml');
  assert.equal(customPath('flags', '/checkout/new.yaml'), 'custom/flags/checkout/new.yaml');
  assert.equal(
    activityPath('kubernetes', Date.parse('2024-06-01T02:03:04Z'), 'a1b2'),
    'activity/kubernetes/2024/06/01/02/a1b2.yaml',
  );
});

test('no input can leave its folder, hide as a dot file or create ..', () => {
  assert.equal(escapeSegment('..'), '%2E.');
  assert.equal(escapeSegment('.git'), '%2Egit');
  assert.equal(escapeSegment('a/b'), 'a%2Fb');
  assert.equal(escapeSegment('100%'), '100%25');
  assert.equal(escapeSegment('tab\there\nnl'), 'tab%09here%0Anl');
  assert.equal(customPath('s', 'a/../../etc/passwd'), 'custom/s/a/%2E./%2E./etc/passwd.yaml');
  assert.throws(() => customPath('s', 'a//b'), /empty segment/);
  assert.throws(() => escapeSegment(''), /empty/);
  for (const path of [
    customPath('s', 'a/../../etc/passwd'),
    kubernetesPath({ cluster: '..', namespace: '.', group: '', resource: 'x', name: '../../y' }),
  ]) {
    assert.ok(
      path.split('/').every((part) => part !== '..' && part !== '.' && !part.startsWith('.')),
      path,
    );
  }
});

test('escaping is reversible and collision-free', () => {
  const names = [
    ...['plain', '..', '.hidden', 'a/b', 'a%2Fb', '%'],
    ...['x.status', 'x', 'ünïcode', 'tab\tname', 'back\\slash'],
  ];
  const files = names.map((name) => fileName(name));
  assert.equal(new Set(files).size, names.length);
  for (const name of names) {
    assert.equal(unescapeSegment(escapeSegment(name)), name);
    assert.equal(nameFromFileName(fileName(name)), name);
  }
  assert.equal(fileName('x.status'), 'x%2Estatus.yaml');
});

test(
  'issue 10: format characters, ' + 'C1 controls and NTFS short names of .git are escaped like other unsafe bytes',
  () => {
    assert.equal(escapeSegment('evil\u202Egnp.exe'), 'evil%E2%80%AEgnp.exe');
    assert.equal(escapeSegment('\u200c.git'), '%E2%80%8C.git');
    assert.equal(escapeSegment('zero\u200bwidth\ufeff'), 'zero%E2%80%8Bwidth%EF%BB%BF');
    assert.equal(escapeSegment('nel\u0085'), 'nel%C2%85');
    assert.equal(escapeSegment('git~1'), 'git%7E1');
    assert.equal(escapeSegment('GITMOD~2'), 'GITMOD%7E2');
    assert.equal(escapeSegment('agit~1'), 'agit~1');
    assert.equal(escapeSegment('ünïcode😀'), 'ünïcode😀', 'printable characters stay readable');
    for (const name of ['evil\u202Egnp.exe', '\u200c.git', 'git~1', 'nel\u0085', 'ünï\u2066x\u2069']) {
      assert.equal(unescapeSegment(escapeSegment(name)), name);
      assert.equal(nameFromFileName(fileName(name)), name);
    }
    assert.throws(() => escapeSegment('x\ud800y'), /unpaired UTF-16 surrogate/);
  },
);

test('issue 10: a segment longer than 255 bytes keeps a prefix and a hash of the whole, a file its suffix', () => {
  const long = 'y'.repeat(5000);
  const path = boundPath(`custom/s/${long}/${long}.status.yaml`);
  const [, , folder, file] = path.split('/') as [string, string, string, string];
  assert.equal(Buffer.byteLength(folder), 255);
  assert.ok(folder.startsWith('yyy') && isShortenedSegment(folder));
  assert.ok(file.endsWith('.status.yaml') && Buffer.byteLength(file) <= 255);
  assert.equal(
    statusSiblingPath(boundPath(`custom/s/${long}/${long}.yaml`)),
    path,
    'a file and its status sibling stay side by side',
  );
  assert.equal(boundPath('custom/s/short.yaml'), 'custom/s/short.yaml');
  // Never cut inside an escape or a character.
  const escaped = boundPath(`custom/s/${escapeSegment('\u202e'.repeat(200))}.yaml`).split('/')[2] as string;
  assert.match(escaped, /^(?:%E2%80%AE)+%~[0-9a-f]{16}\.yaml$/);
  const accents = boundPath(`custom/s/${'é'.repeat(300)}.yaml`).split('/')[2] as string;
  assert.ok(accents.isWellFormed() && !accents.includes('\ufffd'));
});
