// Glob matching (picomatch) for the two kinds of value a policy names: repository paths,
// where `*` stops at `/`, and free text (actors, verbs, ARNs), where it does not.
import picomatch from 'picomatch';

export type TextMatcher = (value: string | null | undefined) => boolean;

// picomatch treats `/` as a separator; ARNs and user agents contain it, and authors expect
// `arn:aws:sts::*:assumed-role/*` to match across it. Swap it for a character globs never use.
const SLASH = '\u2215';

function textMatcher(patterns: readonly string[]): TextMatcher {
  const match = picomatch(
    patterns.map((pattern) => pattern.replaceAll('/', SLASH)),
    { dot: true },
  );
  return (value) => value !== null && value !== undefined && match(value.replaceAll('/', SLASH));
}

/** A matcher for free-text values: any pattern matches the whole value. */
export function compileTextGlobs(patterns: readonly string[]): TextMatcher {
  return textMatcher(patterns);
}

/** A matcher for repository paths. */
export function compilePathGlobs(patterns: readonly string[]): TextMatcher {
  const match = picomatch([...patterns], { dot: true });
  return (value) => value !== null && value !== undefined && match(value);
}

/** Matchers of `glob(value, pattern)` in CEL, by pattern; bounded, as a pattern may come from the data. */
const textGlobCache = new Map<string, TextMatcher>();
const TEXT_GLOB_CACHE_SIZE = 500;

/** Whether a free-text value matches one glob; each pattern is compiled once. */
export function matchesTextGlob(value: string, pattern: string): boolean {
  let match = textGlobCache.get(pattern);
  if (!match) {
    if (textGlobCache.size >= TEXT_GLOB_CACHE_SIZE) textGlobCache.delete(textGlobCache.keys().next().value as string);
    match = textMatcher([pattern]);
    textGlobCache.set(pattern, match);
  }
  return match(value);
}
