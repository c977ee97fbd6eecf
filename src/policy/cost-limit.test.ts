// Issue 10 item 7: CEL evaluation is bounded. cel-js limits only the parsed structure, so gitrail
// bounds the expression's length and meters every read of a list item or map entry during one
// evaluation; a change cannot slip past a policy by being large (match and escalate hold, unless
// does not), and a template part says it was not shown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommitInput, DocumentPair } from './compile.ts';
import {
  compileExpression,
  CostLimitError,
  createExpressionEnvironment,
  evaluateCondition,
  MAX_EXPRESSION_LENGTH,
  toCelValue,
  withCostNote,
  type CompiledExpression,
} from './expression.ts';
import { compilePolicies, parsePolicyText } from './load.ts';
import { matchPolicy } from './match.ts';

const env = createExpressionEnvironment(['items']);
const QUADRATIC = 'items.all(x, items.exists(y, y == x))';
const items = (n: number) => toCelValue({ items: Array.from({ length: n }, (_, i) => i) }) as Record<string, unknown>;

function compiled(source: string): CompiledExpression {
  const result = compileExpression(env, source);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.evaluate;
}

test('an expression longer than the bound is a load problem', () => {
  const long = `items.size() == 0${' || items.size() == 1'.repeat(MAX_EXPRESSION_LENGTH / 20)}`;
  assert.ok(long.length > MAX_EXPRESSION_LENGTH);
  const result = compileExpression(env, long);
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.error, new RegExp(`characters long; at most ${MAX_EXPRESSION_LENGTH}`));
});

test('a quadratic expression over a large list stops at the step budget instead of running on', () => {
  const quadratic = compiled(QUADRATIC);
  assert.equal(quadratic(items(100)), true, 'small inputs evaluate as before');
  const started = performance.now();
  assert.throws(() => quadratic(items(5000)), CostLimitError);
  assert.ok(performance.now() - started < 5000, 'stopped early, not after 12.5 million comparisons');
  assert.equal(compiled('items.exists(x, x == 4999)')(items(5000)), true, 'a linear scan stays well within it');
  assert.equal(evaluateCondition(quadratic, items(5000)), true, 'a match that is too costly holds');
  assert.equal(evaluateCondition(quadratic, items(5000), false), false, 'an unless that is too costly does not');
  assert.equal(withCostNote(quadratic, '(not shown)')(items(5000)), '(not shown)');
});

test('a large document cannot slip past a policy: match holds and unless does not exclude', () => {
  const problems: string[] = [];
  const [policy] = compilePolicies(
    parsePolicyText(
      'test.yaml',
      `name: big
match: {expression: "after.items.all(x, after.items.exists(y, y == x))"}
unless: {expression: "after.items.all(x, after.items.exists(y, y == x))"}
channels: [sec]
`,
      problems,
    ),
    problems,
  );
  assert.deepEqual(problems, []);
  assert.ok(policy);
  const path = 'kubernetes/prod/namespaces/shop/core/configmaps/app.yaml';
  const commit: CommitInput = {
    sha: 'a'.repeat(40),
    branch: 'main',
    parent: 'b'.repeat(40),
    time: Date.parse('2026-05-04T09:00:00Z'),
    author: { name: 'alice', email: 'alice@example.com' },
    subject: 'update',
    body: '',
    trailers: { Source: 'kubernetes-audit', Verb: 'update', 'Event-ID': 'e1' },
    changes: [{ path, op: 'M', blob: 'c'.repeat(40) }],
  };
  const docs = (n: number) =>
    new Map<string, DocumentPair>([[path, { before: null, after: { items: Array.from({ length: n }, (_, i) => i) } }]]);
  assert.equal(matchPolicy(policy, commit, docs(10)), null, 'small: the unless excludes the change');
  assert.deepEqual(matchPolicy(policy, commit, docs(5000)), {
    policy: 'big',
    severity: policy.severity,
    channels: ['sec'],
    paths: [path],
  });
});
