import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/tmp.ts';
import { checkPolicyChannels, loadPolicies } from './load.ts';

function folder(t: import('node:test').TestContext, files: Record<string, string>): string {
  const dir = join(tempDir(t), 'policies');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

test('loads a policy, naming it after its file, with defaults filled in', (t) => {
  const dir = folder(t, {
    'iam.yaml': 'match: {paths: "aws/*/global/iam/**", window: 1}\nchannels: [sec]\n',
    'notes.txt': 'ignored',
  });
  const { policies, problems } = loadPolicies(dir);
  assert.deepEqual(policies, []);
  assert.deepEqual(problems, [`${join(dir, 'iam.yaml')}: match: Unrecognized key: "window"`]);

  writeFileSync(
    join(dir, 'iam.yaml'),
    'match: {paths: "aws/*/global/iam/**"}\nchannels: [sec]\nnoise: {rateLimit: {max: 5, per: 1h}}\n',
  );
  const loaded = loadPolicies(dir);
  assert.deepEqual(loaded.problems, []);
  const [policy] = loaded.policies;
  assert.equal(policy?.name, 'iam');
  assert.equal(policy?.severity, 'medium');
  assert.equal(policy?.enabled, true);
  assert.deepEqual(policy?.noise.rateLimit, { max: 5, per: 3_600_000 });
  assert.deepEqual(policy?.match, [{ paths: ['aws/*/global/iam/**'] }]);
});

test('reports every problem as file: path: message, and keeps the good policies', (t) => {
  const dir = folder(t, {
    'a-bad-yaml.yaml': 'match: [\n',
    'b-bad-expression.yaml': 'match: {expression: "after.kind =="}\nchannels: [sec]\n',
    'c-bad-values.yaml': 'match: {branch: trunk}\nseverity: urgent\nchannels: []\nnoise: {group: {window: soon}}\n',
    'd-multi.yaml':
      'name: one\nmatch: {verbs: StopLogging}\nchannels: [sec]\n---\nmatch: {verbs: DeleteTrail}\nchannels: [sec]\n',
    'e-duplicate.yaml': 'name: one\nmatch: {verbs: x}\nchannels: [sec]\n',
    'f-unknown-variable.yaml': 'match: {expression: "commmit.sha == \'x\'"}\nchannels: [sec]\n',
  });
  const { policies, problems } = loadPolicies(dir);
  const file = (name: string) => join(dir, name);
  assert.deepEqual(
    policies.map((p) => p.name),
    ['one'],
  );
  assert.equal(problems.length, 9, problems.join('\n'));
  assert.match(problems[0] as string, new RegExp(`^${file('a-bad-yaml.yaml')}: line \\d+: `));
  assert.match(problems[1] as string, new RegExp(`^${file('b-bad-expression.yaml')}: match.expression: `));
  assert.deepEqual(problems.slice(2, 6), [
    `${file('c-bad-values.yaml')}: match.branch: Invalid option: expected one of "main"|"activity"`,
    `${file('c-bad-values.yaml')}: severity: Invalid option: expected one of "info"|"low"|"medium"|"high"|"critical"`,
    `${file('c-bad-values.yaml')}: channels: Too small: expected array to have >=1 items`,
    `${file('c-bad-values.yaml')}: noise.group.window: "soon" is not a duration (use e.g. 30s, 5m, 4h, 7d)`,
  ]);
  assert.equal(problems[6], `${file('d-multi.yaml')}: documents.1.name: required when a file holds several policies`);
  assert.equal(
    problems[7],
    `${file('e-duplicate.yaml')}: name: policy "one" is already defined in ${file('d-multi.yaml')}`,
  );
  assert.match(problems[8] as string, /f-unknown-variable.yaml: match.expression: Unknown variable: commmit$/);
});

test('a missing folder is one problem, not a crash', (t) => {
  const dir = join(tempDir(t), 'nowhere');
  assert.deepEqual(loadPolicies(dir), { policies: [], problems: [`${dir}: cannot read the policy folder: ENOENT`] });
});

test('names policies whose channels are not configured', (t) => {
  const dir = folder(t, { 'p.yaml': 'match: {verbs: x}\nchannels: [security, pager]\n' });
  const { policies } = loadPolicies(dir);
  assert.deepEqual(checkPolicyChannels(policies, new Set(['security'])), [
    `${join(dir, 'p.yaml')}: channels.1: policy p names channel "pager", which is not in notify.channels (security)`,
  ]);
});

test('the shipped policies load without problems', () => {
  const { policies, problems } = loadPolicies(join(import.meta.dirname, '..', '..', 'policies'));
  assert.deepEqual(problems, []);
  assert.ok(policies.length >= 9);
});
