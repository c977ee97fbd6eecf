// CEL expressions (@marcbachmann/cel-js), as Mission Control's notification filters use them:
// policy conditions over a commit and its changed documents, and the `{{ … }}` parts of
// message templates. Compiled once at load, so a typo is a load problem, not a silent miss.
import { Environment, EvaluationError, TypeError as CelTypeError } from '@marcbachmann/cel-js';
import { isObject, setOwn } from '../domain/json.ts';
import { matchesTextGlob } from './glob.ts';

export type CompiledExpression = (context: Readonly<Record<string, unknown>>) => unknown;

/** Longest expression source accepted, in characters (issue 10: bounded evaluation). */
export const MAX_EXPRESSION_LENGTH = 4096;
/**
 * Most reads of list items, map entries and fields one evaluation may make. cel-js bounds only the
 * parsed structure (AST nodes, depth, literal sizes), not evaluation, and nested comprehensions over
 * a large list cost its size squared; past this budget the evaluation stops with a CostLimitError.
 */
export const MAX_EVALUATION_STEPS = 250_000;

/** An evaluation that passed MAX_EVALUATION_STEPS. */
export class CostLimitError extends Error {}

interface Meter {
  steps: number;
  active: boolean;
  readonly cache: WeakMap<object, object>;
}

/** `value` with every read of its lists' and maps' members counted against the meter, while it is active. */
function metered(value: unknown, meter: Meter): unknown {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  const known = meter.cache.get(value);
  if (known) return known;
  const count = (steps: number): void => {
    if (!meter.active) return;
    meter.steps += steps;
    if (meter.steps > MAX_EVALUATION_STEPS)
      throw new CostLimitError(`the expression read more than ${MAX_EVALUATION_STEPS} values; evaluation stopped`);
  };
  const proxy = new Proxy(value, {
    get(target, key, receiver) {
      const item: unknown = Reflect.get(target, key, receiver);
      if (typeof key === 'symbol' || !Object.hasOwn(target, key)) return item;
      count(1);
      return metered(item, meter);
    },
    ownKeys(target) {
      const keys = Reflect.ownKeys(target);
      count(keys.length);
      return keys;
    },
  });
  meter.cache.set(value, proxy);
  return proxy;
}

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
    limits: { maxAstNodes: 5000, maxDepth: 50, maxListElements: 256, maxMapEntries: 256, maxCallArguments: 16 },
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
  if (source.length > MAX_EXPRESSION_LENGTH)
    return { ok: false, error: `the expression is ${source.length} characters long; at most ${MAX_EXPRESSION_LENGTH}` };
  try {
    const parsed = env.parse(source);
    const checked = parsed.check();
    if (!checked.valid) return { ok: false, error: firstLine(checked.error) };
    const evaluate: CompiledExpression = (context) => {
      const meter: Meter = { steps: 0, active: true, cache: new WeakMap() };
      try {
        return parsed(metered(context, meter) as Record<string, unknown>);
      } finally {
        meter.active = false;
      }
    };
    return { ok: true, evaluate };
  } catch (error) {
    return { ok: false, error: firstLine(error) };
  }
}

/** The expression, giving `note` instead when the cost limit stops it (a template part says so). */
export function withCostNote(expression: CompiledExpression, note: string): CompiledExpression {
  return (context) => {
    try {
      return expression(context);
    } catch (error) {
      if (error instanceof CostLimitError) return note;
      throw error;
    }
  };
}

/**
 * Evaluates a condition: true only for boolean `true`. A runtime error (a missing key the
 * expression did not guard with `has()` or `.?`) counts as no match, as CEL filters do. An
 * evaluation stopped by the cost limit gives `whenTooCostly`: a change must not escape a policy by
 * being large, so a `match` or `escalate` counts as holding and an `unless` as not.
 */
export function evaluateCondition(
  expression: CompiledExpression,
  context: Readonly<Record<string, unknown>>,
  whenTooCostly = true,
): boolean {
  try {
    return expression(context) === true;
  } catch (error) {
    if (error instanceof CostLimitError) return whenTooCostly;
    if (error instanceof EvaluationError || error instanceof CelTypeError) return false;
    throw error;
  }
}
