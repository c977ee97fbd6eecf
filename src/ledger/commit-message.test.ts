import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCommitMessage, parseCommitMessage, writtenTrailers } from './commit-message.ts';

test('subject, body, then trailers: the pinned commit message format', () => {
  const trailers = [
    ['Source', 'kubernetes-audit'],
    ['Cluster', 'prod'],
    ['Event-ID', ' 7f3c '],
    ['User-Agent', 'kubectl\nwith newline'],
    ['Groups', ''],
    ['Attribution', 'exact'],
  ] as const;
  const message = formatCommitMessage('patch apps/deployments default/nginx', 'spec.replicas: 2 → 3', trailers);
  assert.equal(
    message,
    'patch apps/deployments default/nginx\n\nspec.replicas: 2 → 3\n\nSource: kubernetes-audit\nCluster: ' +
      'prod\nEvent-ID: 7f3c\nUser-Agent: kubectl with newline\nAttribution: exact\n',
  );
  assert.deepEqual(parseCommitMessage(message), {
    subject: 'patch apps/deployments default/nginx',
    body: 'spec.replicas: 2 → 3',
    trailers: {
      Source: 'kubernetes-audit',
      Cluster: 'prod',
      'Event-ID': '7f3c',
      'User-Agent': 'kubectl with newline',
      Attribution: 'exact',
    },
  });
  assert.deepEqual(
    writtenTrailers(trailers),
    parseCommitMessage(message).trailers,
    'the writer indexes the trailers as a rebuild reads them',
  );
  assert.equal(formatCommitMessage('create x', '', [['Source', 's']]), 'create x\n\nSource: s\n');
});
