// Loading the kubeconfig of a configured cluster, with errors that name the cluster and the problem.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../domain/errors.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { loadKubeConfig } from './kube-config.ts';

function kubeconfig(dir: string, server: string, extra = ''): string {
  const path = join(dir, 'kubeconfig');
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: "${server}"${extra}}
- name: b
  cluster: {server: "https://b.example:6443"}
users: [{name: u, user: {token: t}}]
contexts:
- {name: ctx-a, context: {cluster: a, user: u}}
- {name: ctx-b, context: {cluster: b, user: u}}
current-context: ctx-a
`,
  );
  return path;
}

test('a kubeconfig file and a context select the cluster', (t) => {
  const path = kubeconfig(tempDir(t), 'https://a.example:6443');
  assert.equal(
    loadKubeConfig({ name: 'prod', kubeconfig: path, inCluster: false }).getCurrentCluster()?.server,
    'https://a.example:6443',
  );
  assert.equal(
    loadKubeConfig({ name: 'prod', kubeconfig: path, context: 'ctx-b', inCluster: false }).getCurrentCluster()?.server,
    'https://b.example:6443',
  );
});

test('a missing file, an unknown context and plain http without skip-verify are configuration errors', (t) => {
  const dir = tempDir(t);
  assert.throws(
    () => loadKubeConfig({ name: 'prod', kubeconfig: join(dir, 'nope'), inCluster: false }),
    (error: unknown) => error instanceof ConfigError && /^kubernetes prod: cannot load .*nope/.test(error.message),
  );
  const path = kubeconfig(dir, 'http://127.0.0.1:8080');
  assert.throws(
    () => loadKubeConfig({ name: 'prod', kubeconfig: path, context: 'ctx-z', inCluster: false }),
    /kubernetes prod: the kubeconfig has no context "ctx-z"/,
  );
  assert.throws(
    () => loadKubeConfig({ name: 'prod', kubeconfig: path, inCluster: false }),
    /http:\/\/127.0.0.1:8080 is plain http; set insecure-skip-tls-verify/,
  );
  const insecure = kubeconfig(dir, 'http://127.0.0.1:8080', ', insecure-skip-tls-verify: true');
  assert.equal(
    loadKubeConfig({ name: 'prod', kubeconfig: insecure, inCluster: false }).getCurrentCluster()?.skipTLSVerify,
    true,
  );
});
