// CEL expressions (@marcbachmann/cel-js), as Mission Control's notification filters use them:
// policy conditions over a commit and its changed documents, and the `{{ … }}` parts of
// message templates. Compiled once at load, so a typo is a load problem, not a silent miss.
import { Environment, EvaluationError, TypeError as CelTypeError } from '@marcbachmann/cel-js';
import { isObject, setOwn } from '../domain/json.ts';
import { matchesTextGlob } from './glob.ts';

export type CompiledExpression = (context: Readonly<Record<string, unknown>>) => unknown;

export type CompileResult =
  | { readonly ok: true; readonly evaluate: CompiledExpression }
  | { readonly ok: false; readonly error: string };

/** Every IAM policy statement anywhere in a document (`Statement` as a list or one object). */
export function findIamStatements(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) {
    for (const item of value) findIamStatements(item, out);
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'Statement' && Array.isArray(item)) out.push(...item.filter(isObject));
      else if (key === 'Statement' && isObject(item)) out.push(item);
      else findIamStatements(item, out);
    }
  }
  return out;
}

/**
 * Makes a value safe to hand to CEL: plain objects, lists, strings, numbers, booleans, null.
 * Integers become CEL ints (BigInt), YAML timestamps ISO strings; `undefined` keys are dropped.
 */
export function toCelValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  // YAML and JSON integers are CEL ints, so `port + 1` and `size(items) - 1` type-check.
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(toCelValue);
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) setOwn(out, key, toCelValue(item));
    return out;
  }
  return value;
}

/** An environment declaring `variables` (all dynamically typed) and gitrail's helper functions. */
export function createExpressionEnvironment(variables: readonly string[]): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: false,
    homogeneousAggregateLiterals: false,
    enableOptionalTypes: true,
    limits: { maxAstNodes: 5000 },
  })
    .registerFunction('iamStatements(dyn): list<dyn>', (value: unknown) => findIamStatements(value), {
      description: 'every IAM policy statement anywhere in a document',
    })
    .registerFunction(
      'asList(dyn): list<dyn>',
      (value: unknown) => (value === null || value === undefined ? [] : Array.isArray(value) ? value : [value]),
      {
        description:
          'a list as is, null as [], anything else as a one-item list (IAM Action may be a string or a list)',
      },
    )
    .registerFunction(
      'glob(string, string): bool',
      (value: string, pattern: string) => matchesTextGlob(value, pattern),
      {
        description: 'glob(value, pattern): picomatch glob match where * also crosses /',
      },
    );
  for (const name of variables) env.registerVariable(name, 'dyn');
  return env;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] as string;
}

/** Parses and type-checks an expression; the error names the problem in one line. */
export function compileExpression(env: Environment, source: string): CompileResult {
  try {
    const parsed = env.parse(source);
    const checked = parsed.check();
    if (!checked.valid) return { ok: false, error: firstLine(checked.error) };
    return { ok: true, evaluate: (context) => parsed(context) };
  } catch (error) {
    return { ok: false, error: firstLine(error) };
  }
}

/**
 * Evaluates a condition: true only for boolean `true`. A runtime error (a missing key the
 * expression did not guard with `has()` or `.?`) counts as no match, as CEL filters do.
 */
export function evaluateCondition(expression: CompiledExpression, context: Readonly<Record<string, unknown>>): boolean {
  try {
    return expression(context) === true;
  } catch (error) {
    if (error instanceof EvaluationError || error instanceof CelTypeError) return false;
    throw error;
  }
}
