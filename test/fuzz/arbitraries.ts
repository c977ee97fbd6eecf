// Building blocks of the fuzzing suite: values as an attacker with an intake token would send
// them. Strings are biased to what has broken parsers and git before (control and format
// characters, U+202E, unpaired surrogates, `..`, `.git`, `git~1`, `%`, 5,000-character
// segments); times to the edges of what git and the timeline hold; values to deep nesting.
import fc from 'fast-check';

/** Strings that broke something somewhere, or could. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '.',
  '..',
  '.git',
  '.GIT',
  'git~1',
  'GIT~1',
  'gitmod~1',
  '\u200c.git',
  '.gitmodules',
  '%',
  '%2F',
  '%~',
  'a/b',
  '../../etc/passwd',
  '\\',
  '\u0000',
  'nul\u0000inside',
  '\u001b[31mred\u001b[0m',
  '\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007',
  '\r\nInjected-Trailer: yes',
  '\nAttribution: exact',
  'evil\u202Egnp.exe',
  '\u2066isolate\u2069',
  'zero\u200bwidth',
  '\ufeffbom',
  '\u0085nel',
  'line\u2028separator',
  '\ud800',
  'x\udfffy',
  '😀',
  '👩‍👩‍👧',
  'ünïcödé',
  '<script>alert(1)</script>',
  '*',
  ':(exclude)*',
  '[abc]',
  '__proto__',
  'constructor',
  'x'.repeat(255),
  'x'.repeat(256),
  'é'.repeat(200),
  'y'.repeat(5000),
  `a@${'a.'.repeat(2000)}@`,
  'alice@example.com',
  'system:serviceaccount:kube-system:default',
  '~',
  '-',
  '--output=/tmp/x',
  'true',
  'null',
  '0x10',
  '1e3',
  '- item',
  '? key',
  ': colon',
  '#comment',
  '|',
  '&anchor',
  '*alias',
  '!!binary',
  '---',
  '...',
];

/** Optional keys: each present or absent. */
export const some = <T extends Record<string, fc.Arbitrary<unknown>>>(shape: T) =>
  fc.record(shape, { requiredKeys: [] });

/** Any string, biased to the nasty ones. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom(...NASTY_STRINGS),
        fc.string({ unit: 'binary', maxLength: 8 }),
        fc.constantFrom(...NASTY_STRINGS),
      )
      .map((parts) => parts.join('')),
    weight: 2,
  },
);

/** A name that is usually sensible, sometimes nasty. */
export function nameOr(sensible: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: sensible, weight: 3 }, { arbitrary: nastyString, weight: 1 });
}

/** A plausible name; often one of a few, so that cases update, delete and detour the same file. */
export const simpleName = fc.oneof(fc.constantFrom('app', 'web', 'db'), fc.stringMatching(/^[a-z][a-z0-9-]{0,14}$/));

const YEAR_MS = 365.25 * 86_400_000;
/** The clock of the fuzzed daemon: times are judged against it. */
export const FUZZ_NOW = Date.parse('2026-06-01T00:00:00Z');

/** Epoch milliseconds, mostly in the recent past, sometimes at or past every edge. */
export const timeMs: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.integer({ min: FUZZ_NOW - 5 * YEAR_MS, max: FUZZ_NOW }), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      0,
      -1,
      -5000,
      FUZZ_NOW + 86_400_000,
      FUZZ_NOW + 86_400_001,
      FUZZ_NOW + 10 * YEAR_MS,
      253_402_300_799_999,
      253_402_300_800_000,
      8.64e15,
    ),
    weight: 2,
  },
);

/** An event time as text: ISO 8601 (with or without a zone, as log shippers write it) or nonsense. */
export const timeText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: timeMs.filter((ms) => Math.abs(ms) <= 8.64e15).map((ms) => new Date(ms).toISOString()), weight: 6 },
  {
    arbitrary: fc
      .integer({ min: FUZZ_NOW - 5 * YEAR_MS, max: FUZZ_NOW })
      .map((ms) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '000000')),
    weight: 1,
  },
  {
    arbitrary: fc.constantFrom(
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999999Z',
      '1969-12-31T23:59:59Z',
      '2024-13-01T00:00:00Z',
      '2024-02-30T00:00:00Z',
      '2024-06-01T25:00:00Z',
      '+275760-09-13T00:00:00Z',
      '1717243200',
      'yesterday',
      '',
    ),
    weight: 2,
  },
  { arbitrary: nastyString, weight: 1 },
);

/** A generic event's `time`: text or epoch seconds/milliseconds, sometimes absurd. */
export const genericTime: fc.Arbitrary<string | number> = fc.oneof(
  { arbitrary: timeText, weight: 4 },
  { arbitrary: timeMs, weight: 2 },
  { arbitrary: timeMs.map((ms) => Math.floor(ms / 1000)), weight: 1 },
  { arbitrary: fc.constantFrom(1e300, -5, 1e23, 1e11, 99_999_999_999, 0.5, -0), weight: 1 },
);

/** `{"a":{"a":…}}` nested `levels` deep (a scalar is 0 levels). */
export function nested(levels: number, leaf: unknown = 'leaf'): unknown {
  let value: unknown = leaf;
  for (let level = 0; level < levels; level += 1) value = { a: value };
  return value;
}

/** A JSON value: small and ordinary, sometimes nasty, sometimes nested right around the limit or far past it. */
export const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 8 },
  { arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }), weight: 3 },
  { arbitrary: nastyString, weight: 2 },
  { arbitrary: fc.constantFrom(98, 99, 100, 101, 2600).map((levels) => nested(levels)), weight: 1 },
  {
    arbitrary: fc.constantFrom(1, 20, 400).map((lines) => `line with trailing space \nand\ttabs\n`.repeat(lines)),
    weight: 1,
  },
);

/** A JSON object (a document), possibly with nasty keys. */
export const jsonObject: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(nameOr(simpleName), jsonValue, {
  maxKeys: 6,
});

/** A repository-ish path as a generic event names it: segments, some nasty, some long. */
export const eventPath: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc.array(nameOr(simpleName), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('/')),
    weight: 5,
  },
  { arbitrary: nastyString, weight: 2 },
  {
    arbitrary: fc.constantFrom(
      'a/../../etc/passwd',
      '/leading/slash',
      'trailing/slash/',
      'double//slash',
      `${'s'.repeat(5000)}/leaf`,
      `dir/${'é'.repeat(300)}`,
      `dir/${'x'.repeat(251)}.status`,
      Array.from({ length: 3000 }, () => 'd').join('/'),
      'evil\u202Etxt.yaml',
      'name.yaml',
      'x.yml',
    ),
    weight: 2,
  },
);

/** 12 digits, or not. */
export const account = nameOr(fc.stringMatching(/^\d{12}$/));
export const region = nameOr(fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2'));
export const uuid = nameOr(fc.uuid());
