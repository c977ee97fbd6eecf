import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createChangeFilter } from './change-filter.ts';

test("the index narrows to the scope's folder: cluster, namespace, account and region", () => {
  const prefix = (options: Parameters<typeof createChangeFilter>[0]) => createChangeFilter(options).prefix;
  assert.equal(prefix({ cluster: 'prod' }), 'kubernetes/prod/');
  assert.equal(prefix({ cluster: 'prod', namespace: 'payments' }), 'kubernetes/prod/namespaces/payments/');
  assert.equal(prefix({ namespace: 'payments' }), 'kubernetes/');
  assert.equal(prefix({ account: '111122223333' }), 'aws/111122223333/');
  assert.equal(prefix({ account: '111122223333', region: 'eu-west-1' }), 'aws/111122223333/eu-west-1/');
  assert.equal(prefix({ region: 'eu-west-1' }), 'aws/');
  assert.equal(prefix({ cluster: 'prod', account: '111122223333' }), '', 'two families: no one folder');
  assert.equal(
    prefix({ cluster: 'a/b', namespace: '.x' }),
    'kubernetes/a%2Fb/namespaces/%2Ex/',
    'segments escaped as in paths',
  );
  assert.equal(prefix({ paths: ['kubernetes/prod/**'] }), 'kubernetes/prod/');
  assert.equal(prefix({ paths: ['aws/111122223333'] }), 'aws/111122223333');
  assert.equal(prefix({ paths: ['kubernetes/prod/**'], account: '1' }), 'aws/1/', 'a scope wins over a path glob');
  assert.equal(prefix({}), '');
});
