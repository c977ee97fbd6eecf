import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldLabel, pathTokens, summariseFields } from './change-summary.ts';
import { jsonPatch, type PatchOperation } from './json-patch.ts';

const deployment = (replicas: number, image: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web', ...extra } },
  spec: {
    replicas,
    template: {
      spec: {
        containers: [
          { name: 'web', image },
          { name: 'sidecar', image: 'envoy:1.30' },
        ],
      },
    },
  },
});

test('field summaries: scalars, images in keyed lists, added and removed fields', () => {
  assert.deepEqual(summariseFields(deployment(2, 'nginx:1.26'), deployment(3, 'nginx:1.27', { tier: 'web' })), [
    '+metadata.labels.tier=web',
    'spec.replicas 2→3',
    'containers[web].image nginx:1.26→1.27',
  ]);
  assert.deepEqual(summariseFields(deployment(2, 'nginx:1.26', { tier: 'web' }), deployment(2, 'nginx:1.26')), [
    '-metadata.labels.tier',
  ]);
  assert.deepEqual(summariseFields(null, deployment(1, 'x')), ['created']);
  assert.deepEqual(summariseFields(deployment(1, 'x'), null), ['deleted']);
  assert.deepEqual(summariseFields(deployment(1, 'x'), deployment(1, 'x')), ['no field changed']);
});

test('long values keep their informative end; multi-line text and redacted values are described', () => {
  const image = (tag: string) => deployment(1, `registry.example.com/team/payments/web:${tag}`);
  assert.deepEqual(summariseFields(image('1.26'), image('1.27')), [
    'containers[web].image …mple.com/team/payments/web:1.26→1.27',
  ]);
  const cm = (conf: string, password: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'n' },
    data: { 'nginx.conf': conf, password },
  });
  assert.deepEqual(summariseFields(cm('a\nb\n', 'hmac-sha256:aa'), cm('a\nb\nc\n', 'hmac-sha256:bb')), [
    'data["nginx.conf"] edited (+1 -0 lines)',
    'data.password changed (redacted)',
  ]);
});

test('IAM policies: lists of actions compare as sets, a string that becomes a list too', () => {
  const role = (action: unknown, calls: Record<string, unknown>) => ({
    calls,
    configuration: {
      inlinePolicies: {
        app: { Statement: [{ Action: action, Effect: 'Allow', Resource: '*' }], Version: '2012-10-17' },
      },
    },
    id: 'app',
  });
  const call = (id: string) => ({
    PutRolePolicy: { eventID: id, eventTime: id, requestParameters: { policyName: 'app' } },
  });
  assert.deepEqual(summariseFields(role(['s3:GetObject'], call('1')), role(['s3:GetObject', 's3:*'], call('2'))), [
    'Statement[0].Action +s3:*',
  ]);
  assert.deepEqual(summariseFields(role('s3:GetObject', call('1')), role(['s3:*', 's3:GetObject'], call('2'))), [
    'Statement[0].Action +s3:*',
  ]);
  assert.deepEqual(summariseFields(role(['a', 'b', 'c'], call('1')), role(['c', 'x'], call('2'))), [
    'Statement[0].Action +x -a -b',
  ]);
  assert.deepEqual(summariseFields(role(['a', 'b'], call('1')), role(['b', 'a'], call('2'))), [
    'Statement[0].Action reordered',
  ]);
  // Only the call changed (no configuration reducer): its parameters, not its event id and time.
  const bare = (name: string, id: string) => ({
    calls: { TagResource: { eventID: id, eventTime: id, requestParameters: { tags: { team: name } } } },
    id: 'x',
  });
  assert.deepEqual(summariseFields(bare('a', '1'), bare('b', '2')), ['tags.team a→b']);
  const lambda = (timeout: number, id: string) => ({
    calls: {
      UpdateFunctionConfiguration: {
        eventID: id,
        requestParameters: { functionName: 'f', timeout },
        responseElements: { timeout },
      },
    },
    id: 'f',
  });
  assert.deepEqual(summariseFields(lambda(10, '1'), lambda(30, '2')), ['timeout 10→30']);
});

test('an added mapping is named down to where it branches', () => {
  assert.deepEqual(
    summariseFields(
      { calls: {}, configuration: { path: '/' } },
      { calls: {}, configuration: { path: '/', inlinePolicies: { app: { Statement: [], Version: '1' } } } },
    ),
    ['+inlinePolicies.app'],
  );
  assert.deepEqual(summariseFields({ a: 1 }, { a: 1, b: { c: { d: { e: 1 } } } }), ['+b.c.d']);
});

test('the limit keeps the first items and counts the rest', () => {
  const before = { data: { a: 1, b: 1, c: 1, d: 1, e: 1 } };
  const after = { data: { a: 2, b: 2, c: 2, d: 2, e: 2 } };
  assert.deepEqual(summariseFields(before, after, 3), ['data.a 1→2', 'data.b 1→2', '… 3 more']);
});

test('path tokens keep quoted keys and brackets together', () => {
  assert.deepEqual(pathTokens('spec.template.spec.containers[web].image'), [
    'spec',
    'template',
    'spec',
    'containers[web]',
    'image',
  ]);
  assert.deepEqual(pathTokens('data["a.b]c"].x'), ['data["a.b]c"]', 'x']);
  assert.equal(fieldLabel('spec.replicas'), 'spec.replicas');
  assert.equal(fieldLabel('configuration.inlinePolicies.app.Statement[0].Action'), 'Statement[0].Action');
});

/** RFC 6902 applier for add/remove/replace, to check the generated operations. */
function applyPatch(doc: unknown, operations: readonly PatchOperation[]): unknown {
  const root = { value: structuredClone(doc) } as Record<string, unknown>;
  for (const operation of operations) {
    const keys = [
      'value',
      ...operation.path
        .split('/')
        .slice(1)
        .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~')),
    ];
    const last = keys.pop() as string;
    let parent = root as Record<string, unknown> | unknown[];
    for (const key of keys) parent = (parent as Record<string, unknown>)[key] as Record<string, unknown>;
    if (Array.isArray(parent)) {
      const index = Number(last);
      if (operation.op === 'add') parent.splice(index, 0, operation.value);
      else if (operation.op === 'remove') parent.splice(index, 1);
      else parent[index] = operation.value;
    } else if (operation.op === 'remove') {
      assert.ok(last in parent, `remove of a missing member ${operation.path}`);
      delete parent[last];
    } else {
      if (operation.op === 'replace') assert.ok(last in parent, `replace of a missing member ${operation.path}`);
      parent[last] = operation.value;
    }
  }
  return root['value'];
}

test('JSON patch operations turn the old document into the new one', () => {
  const cases: Array<[Record<string, unknown> | null, Record<string, unknown> | null]> = [
    [deployment(2, 'a'), deployment(3, 'b', { 'x/y~z': 'q' })],
    [{ list: [1, 2, 3, 4] }, { list: [1, 5] }],
    [{ list: [1] }, { list: [{ a: 1 }, 2, 3] }],
    [{ a: { b: 1 } }, { a: 'flat' }],
    [null, deployment(1, 'x')],
    [deployment(1, 'x'), null],
  ];
  for (const [before, after] of cases) {
    assert.deepEqual(applyPatch(before ?? {}, jsonPatch(before, after)), after ?? {});
  }
  assert.deepEqual(jsonPatch(deployment(2, 'a'), deployment(3, 'a', { 'x/y': 'q' })), [
    { op: 'add', path: '/metadata/labels/x~1y', value: 'q' },
    { op: 'replace', path: '/spec/replicas', value: 3 },
  ]);
  assert.deepEqual(jsonPatch({ list: [1, 2, 3] }, { list: [1] }), [
    { op: 'remove', path: '/list/2' },
    { op: 'remove', path: '/list/1' },
  ]);
});
