// The families of repository paths, one line each, in the order keys are tried (kubernetes last:
// its keys have no family prefix). The investigator's paths and keys (investigate/resource-key.ts),
// the references people type (investigate/resource-ref.ts) and policy facts (policy/facts.ts)
// derive from this list. Adding a family is its grammar file (grammar.ts) plus one line here.
import { awsGrammar } from './aws.ts';
import { customGrammar } from './custom.ts';
import { gcpGrammar } from './gcp.ts';
import { kubernetesGrammar } from './kubernetes.ts';

export const PATH_GRAMMARS = [awsGrammar, gcpGrammar, customGrammar, kubernetesGrammar] as const;

export type PathGrammars = (typeof PATH_GRAMMARS)[number];
export type PathFamily = PathGrammars['family'];

type PartsOf<G> = G extends { parse(path: string): infer Parts } ? Exclude<Parts, undefined> : never;
type FactsOf<G> = G extends { facts?(parts: never): infer Facts } ? Facts : never;

/** A path split into its family's parts (segments escaped), or `other`. */
export type ParsedPath = PartsOf<PathGrammars> | { readonly family: 'other'; readonly path: string };

/** The families policies can name, each with its facts. */
export type FamilyFacts = {
  readonly [G in PathGrammars as FactsOf<G> extends never ? never : G['family']]: FactsOf<G> | null;
};

/** Splits a repository path into its parts (DESIGN §3); anything else is `other`. */
export function parsePath(path: string): ParsedPath {
  for (const grammar of PATH_GRAMMARS) {
    const parts = grammar.parse(path);
    if (parts) return parts;
  }
  return { family: 'other', path };
}

/** The grammar of a family. */
export function grammarOf(family: PathFamily): PathGrammars {
  return PATH_GRAMMARS.find((grammar) => grammar.family === family) as PathGrammars;
}

/** Builds a path from its parts again (the grammar's inverse of parsePath). */
export function buildPath(parts: PartsOf<PathGrammars>): string {
  return (grammarOf(parts.family).build as (parts: PartsOf<PathGrammars>) => string)(parts);
}
