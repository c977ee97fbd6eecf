// Debian's real kubectl changes objects on the fake API server (apply, edit, create,
// delete); the watch source commits each change, authored by kubectl's field manager.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { trailer, watchSource } from '../../../test/helpers/kube-fixtures.ts';
import { git } from '../../../test/helpers/git.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { FakeKubeApiServer } from '../../../test/fakes/kube-apiserver.ts';

const KUBECTL = '/usr/bin/kubectl';
const run = promisify(execFile);
const CM = 'kubernetes/test/namespaces/default/core/configmaps/app-config.yaml';

test("kubectl apply, edit, create and delete become commits by kubectl's field managers", {
  skip: !existsSync(KUBECTL) && 'kubectl is not installed',
}, async (t) => {
  // kubectl sends no bearer token over plain http, so this fake accepts anonymous requests.
  const fake = await FakeKubeApiServer.start();
  t.after(() => fake.close());
  const dir = tempDir(t);
  writeFileSync(
    join(dir, 'kubeconfig'),
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: fake, cluster: {server: "' + fake.url + '", insecure-skip-tls-verify: true}}]',
      'users: [{name: dev, user: {}}]',
      'contexts: [{name: fake, context: {cluster: fake, user: dev, namespace: default}}]',
      'current-context: fake',
      '',
    ].join('\n'),
  );
  const manifest = (mode: string): string =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  namespace: default\ndata:\n  mode: ${mode}\n`;
  writeFileSync(join(dir, 'editor.sh'), '#!/bin/sh\nsed -i -E "s/^(  +mode:).*/\\1 edited/" "$1"\n', { mode: 0o755 });
  const kubectl = (...args: string[]) =>
    run(KUBECTL, ['--cache-dir', join(dir, 'cache'), ...args], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: dir,
        TMPDIR: dir,
        KUBECONFIG: join(dir, 'kubeconfig'),
        KUBE_EDITOR: join(dir, 'editor.sh'),
      },
    });

  const harness = await openHarness(t);
  const source = watchSource(fake, { events: { enabled: false } });
  harness.start(source);
  await source.settled();

  writeFileSync(join(dir, 'cm.yaml'), manifest('blue'));
  await kubectl('apply', '--validate=false', '-f', join(dir, 'cm.yaml'));
  await harness.waitForCommits((commits) => commits.length === 1);
  await kubectl('edit', '--validate=false', 'configmap', 'app-config');
  await harness.waitForCommits((commits) => commits.length === 2);
  assert.match(git(harness.gitdir, 'show', `main:${CM}`), /mode: edited/);
  writeFileSync(join(dir, 'cm.yaml'), manifest('green'));
  await kubectl('apply', '--validate=false', '-f', join(dir, 'cm.yaml'));
  await harness.waitForCommits((commits) => commits.length === 3);
  // (`kubectl create configmap` would send protobuf, which the fake does not speak.)
  writeFileSync(join(dir, 'extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  k: v\n');
  await kubectl('create', '--validate=false', '-f', join(dir, 'extra.yaml'));
  await harness.waitForCommits((commits) => commits.length === 4);
  await kubectl('delete', 'configmap', 'app-config');
  await harness.waitForCommits((commits) => commits.length === 5);

  assert.deepEqual(
    harness.commits.map((commit) => [commit.subject, commit.authorName, trailer(commit, 'Attribution')]),
    [
      ['observe configmaps default/app-config', 'kubectl-client-side-apply', 'field-manager'],
      ['observe configmaps default/app-config', 'kubectl-edit', 'field-manager'],
      ['observe configmaps default/app-config', 'kubectl-client-side-apply', 'field-manager'],
      ['observe configmaps default/extra', 'kubectl-create', 'field-manager'],
      ['delete configmaps default/app-config', 'unknown (attribution unresolved)', 'unresolved'],
    ],
  );
  // What kubectl keeps for itself never reaches the repository.
  const history = git(harness.gitdir, 'log', '-p', 'main', '--', CM);
  assert.doesNotMatch(history, /last-applied-configuration|managedFields|resourceVersion/);
});
