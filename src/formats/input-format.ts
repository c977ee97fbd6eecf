// The contract of an input format (a record shape `gitrail ingest` reads, whichever source
// delivers it): a name, a recogniser (a parsed value → its records, a container yielding its
// items) and a normaliser. Each format exports one descriptor from its own folder; the ordered
// registry (src/ingest/formats.ts) is the only list of them. Pure.
import type { NormaliseResult } from '../domain/change.ts';
import type { NoiseRules } from '../normalise/noise.ts';
import type { Redact } from '../normalise/redact.ts';

/** What every normaliser may take: one value per `gitrail ingest` run. */
export interface NormaliseContext {
  /** The Kubernetes cluster named in paths. */
  readonly cluster: string;
  /** The `custom/<source>/` folder for generic events. */
  readonly genericSource: string;
  readonly redact: Redact;
  readonly sensitiveKeys: ReadonlySet<string>;
  readonly noiseRules?: (groupResource: string) => NoiseRules;
  readonly now: () => number;
}

/** One record a recogniser found (`where` names it inside the value), or a problem with one. */
export type Recognised = { readonly value: unknown; readonly where: string } | { readonly error: string };

export interface InputFormat<Name extends string = string> {
  readonly name: Name;
  /**
   * The records `value` holds in this format, or undefined when it is not this format (the
   * registry then asks the next one). `where` is the value's place in its file (`[3]`, '').
   */
  recognise(value: unknown, where: string): Iterable<Recognised> | undefined;
  /**
   * For a format exported one record per text line (not JSON lines of the format itself): the
   * value a line holds, or undefined when it is not such a line. A file whose first line is one
   * is read line by line as this format.
   */
  readLine?(line: string): unknown;
  normalise(value: unknown, context: NormaliseContext): NormaliseResult;
}

/** Declares a format, keeping its name's literal type (the registry derives `RecordFormat` from it). */
export function inputFormat<const Name extends string>(format: InputFormat<Name>): InputFormat<Name> {
  return format;
}

/** A recogniser's answer for a value that is one record. */
export const single = (value: unknown, where: string): Recognised[] => [{ value, where }];

/** A recogniser's answer for a container: each item, named by the container's field and index. */
export function items(list: readonly unknown[], where: string, field: string): Recognised[] {
  return list.map((value, index) => ({ value, where: `${where}${field}[${index}]` }));
}

/** The options the Kubernetes normalisers take, from the shared context. */
export function kubernetesContext(context: NormaliseContext) {
  return {
    redact: context.redact,
    sensitiveKeys: context.sensitiveKeys,
    cluster: context.cluster,
    ...(context.noiseRules ? { noiseRules: context.noiseRules } : {}),
  };
}
