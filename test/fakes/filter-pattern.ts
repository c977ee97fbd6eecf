// CloudWatch Logs JSON filter patterns, the subset the fake understands: `{ $.a.b = "x" && ($.c != 1
// || $.d >= 2) }` (string equality, numeric comparisons, && and || with parentheses), applied as
// the service does: only log events whose message is JSON can match a JSON pattern.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html

type Matcher = (event: unknown) => boolean;

const TOKEN = /\s*(\$(?:\.[A-Za-z0-9_-]+)+|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|&&|\|\||!=|<=|>=|[=<>(){}])/y;

function tokenize(pattern: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < pattern.trimEnd().length) {
    const match = TOKEN.exec(pattern);
    if (!match) throw new Error(`cannot read the filter pattern at ${TOKEN.lastIndex}`);
    tokens.push(match[1] as string);
  }
  return tokens;
}

function valueAt(event: unknown, selector: string): unknown {
  let value = event;
  for (const key of selector.slice(2).split('.'))
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

function comparison(selector: string, op: string, literal: string): Matcher {
  const expected = literal.startsWith('"') ? (JSON.parse(literal) as string) : Number(literal);
  return (event) => {
    const value = valueAt(event, selector);
    if (typeof expected === 'string') return op === '=' ? value === expected : op === '!=' && value !== expected;
    if (typeof value !== 'number') return false;
    const checks: Record<string, boolean> = {
      '=': value === expected,
      '!=': value !== expected,
      '<': value < expected,
      '>': value > expected,
      '<=': value <= expected,
      '>=': value >= expected,
    };
    return checks[op] ?? false;
  };
}

/** The matcher of a JSON filter pattern; throws when the pattern is outside the subset. */
export function parseFilterPattern(pattern: string): (message: string) => boolean {
  const tokens = tokenize(pattern);
  let at = 0;
  const next = (): string => {
    const token = tokens[at++];
    if (token === undefined) throw new Error('the filter pattern ends early');
    return token;
  };
  const expect = (token: string): void => {
    if (next() !== token) throw new Error(`expected ${token} in the filter pattern`);
  };
  const primary = (): Matcher => {
    const token = next();
    if (token === '(') {
      const inner = or();
      expect(')');
      return inner;
    }
    if (!token.startsWith('$.')) throw new Error(`unexpected ${token} in the filter pattern`);
    return comparison(token, next(), next());
  };
  const and = (): Matcher => {
    const parts = [primary()];
    while (tokens[at] === '&&') at++, parts.push(primary());
    return (event) => parts.every((part) => part(event));
  };
  const or = (): Matcher => {
    const parts = [and()];
    while (tokens[at] === '||') at++, parts.push(and());
    return (event) => parts.some((part) => part(event));
  };
  expect('{');
  const matcher = or();
  expect('}');
  if (at !== tokens.length) throw new Error('text after the filter pattern');
  return (message) => {
    try {
      return matcher(JSON.parse(message));
    } catch {
      return false;
    }
  };
}
