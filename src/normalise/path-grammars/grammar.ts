// The contract of a family of repository paths (DESIGN §3: `kubernetes/…`, `aws/…`, `gcp/…`,
// `custom/…`): how its paths split into parts and are built again, the short key the investigator
// prints and accepts, and the facts policies read. Parts keep their segments escaped as in the path;
// facts are unescaped. The registry (index.ts) is the only list of families. Pure.

export interface PathGrammar<Family extends string, Parts extends { readonly family: Family }, Facts> {
  /** The root folder, also the family's name. */
  readonly family: Family;
  /** The parts of a path of this family, or undefined when it is not one. */
  parse(path: string): Parts | undefined;
  /** Reverses parse: build(parse(path)) === path. */
  build(parts: Parts): string;
  /** The resource key of a path (`prod:payments/deployment/web`, `aws:111122223333:iam/Role/app`). */
  key(parts: Parts): string;
  /**
   * The path a key names: undefined when the key is not this family's (the next family is asked),
   * null when it is this family's but malformed.
   */
  pathOfKey(key: string): string | null | undefined;
  /** What policies read about a resource of this family; absent for families policies cannot name. */
  facts?(parts: Parts): Facts;
  /**
   * The facts of an event recorded on `activity/<family>/…` (its path names no resource): read from
   * the recorded document, null when it names none.
   */
  eventFacts?(doc: Readonly<Record<string, unknown>>): Facts | null;
  /** One line naming the resource, for messages. */
  describe?(facts: Facts): string;
}

/** Declares a family, keeping its name's literal type (ParsedPath and the facts are derived from it). */
export function pathGrammar<const Family extends string, Parts extends { readonly family: Family }, Facts = never>(
  grammar: PathGrammar<Family, Parts, Facts>,
): PathGrammar<Family, Parts, Facts> {
  return grammar;
}

export const YAML = /\.yaml$/;

/** A non-empty string field of a recorded document, else null. */
export const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
