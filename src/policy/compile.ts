// Turns a validated policy into predicates: globs compiled once, CEL expressions parsed and
// type-checked once. Each predicate answers for one changed file of a commit: true, false,
// or 'needs-documents' when only the changed documents can decide. Pure.
import type { Environment } from '@marcbachmann/cel-js';
import type { Doc } from '../domain/change.ts';
import type { CommitRow } from '../domain/recorded-commit.ts';
import { branchOfPath } from '../normalise/paths.ts';
import { compileExpression, createExpressionEnvironment, evaluateCondition, toCelValue } from './expression.ts';
import { changeFacts, type ChangeFacts } from './facts.ts';
import { compilePathGlobs, compileTextGlobs, type TextMatcher } from './glob.ts';
import type { Matcher, Policy, Severity } from './schema.ts';

/** The commit as the index reports it (`IndexQueries.getCommit`). */
export type CommitInput = CommitRow;

/** A changed file's document before and after the commit; null where the file did not exist. */
export interface DocumentPair {
  readonly before: Doc | null;
  readonly after: Doc | null;
}

export type Documents = ReadonlyMap<string, DocumentPair>;

export type Verdict = boolean | 'needs-documents';

export interface ChangeContext {
  readonly commit: CommitInput;
  readonly change: CommitInput['changes'][number];
  readonly documents: DocumentPair | undefined;
}

export interface CompiledMatcher {
  test(context: ChangeContext): Verdict;
}

export interface CompiledPolicy extends Policy {
  readonly matcher: CompiledMatcher;
  readonly exceptions: readonly CompiledMatcher[];
  readonly escalations: ReadonlyArray<{ readonly when: CompiledMatcher; readonly severity: Severity }>;
}

export const EXPRESSION_VARIABLES = ['commit', 'change', 'before', 'after', 'doc'] as const;

export function createPolicyEnvironment(): Environment {
  return createExpressionEnvironment(EXPRESSION_VARIABLES);
}

type Check = (context: ChangeContext, facts: () => ChangeFacts) => boolean;

function textCheck(
  globs: readonly string[] | undefined,
  read: (context: ChangeContext, facts: () => ChangeFacts) => string | null | undefined,
): Check | null {
  if (!globs) return null;
  const match: TextMatcher = compileTextGlobs(globs);
  return (context, facts) => match(read(context, facts));
}

function expressionContext(context: ChangeContext, facts: ChangeFacts): Record<string, unknown> {
  const { commit } = context;
  const before = context.documents?.before ?? null;
  const after = context.documents?.after ?? null;
  return toCelValue({
    commit: {
      sha: commit.sha,
      branch: commit.branch,
      time: commit.time,
      author: commit.author,
      subject: commit.subject,
      body: commit.body,
      trailers: commit.trailers,
      source: commit.trailers['Source'] ?? null,
      verb: commit.trailers['Verb'] ?? null,
    },
    change: facts,
    before,
    after,
    doc: after ?? before,
  }) as Record<string, unknown>;
}

/** Compiles one matcher; problems are `<where>.<field>: message`. */
/** `whenTooCostly`: what an expression stopped by the cost limit counts as (false for `unless`). */
export function compileMatcher(
  matcher: Matcher,
  env: Environment,
  where: string,
  problems: string[],
  whenTooCostly = true,
): CompiledMatcher {
  const cheap: Check[] = [];
  const fromFacts: Check[] = [];
  if (matcher.branch) cheap.push(({ commit }) => commit.branch === matcher.branch);
  const add = (list: Check[], check: Check | null) => check && list.push(check);
  add(
    cheap,
    textCheck(matcher.sources, ({ commit }) => commit.trailers['Source']),
  );
  add(
    cheap,
    textCheck(matcher.verbs, ({ commit }) => commit.trailers['Verb']),
  );
  if (matcher.actors) {
    const match = compileTextGlobs(matcher.actors);
    cheap.push(({ commit }) => match(commit.author.name) || match(commit.author.email));
  }
  for (const [name, globs] of Object.entries(matcher.trailers ?? {}))
    add(
      cheap,
      textCheck(globs, ({ commit }) => commit.trailers[name]),
    );
  if (matcher.paths) {
    const match = compilePathGlobs(matcher.paths);
    cheap.push(({ change }) => match(change.path));
  }
  add(
    fromFacts,
    textCheck(matcher.resources, (_, facts) => {
      const k = facts().kubernetes;
      return k ? `${k.group}/${k.resource}` : null;
    }),
  );
  add(
    fromFacts,
    textCheck(matcher.namespaces, (_, facts) => facts().kubernetes?.namespace),
  );
  add(
    fromFacts,
    textCheck(matcher.awsResourceTypes, (_, facts) => {
      const a = facts().aws;
      return a?.resourceType ? `${a.service}/${a.resourceType}` : null;
    }),
  );
  const kinds = matcher.kinds ? compileTextGlobs(matcher.kinds) : null;
  let expression: ((context: ChangeContext, facts: ChangeFacts) => boolean) | null = null;
  if (matcher.expression !== undefined) {
    const compiled = compileExpression(env, matcher.expression);
    if (compiled.ok)
      expression = (context, facts) =>
        evaluateCondition(compiled.evaluate, expressionContext(context, facts), whenTooCostly);
    else problems.push(`${where}.expression: ${compiled.error}`);
  }
  return {
    test(context) {
      let facts: ChangeFacts | undefined;
      const lazyFacts = () => {
        const doc = context.documents ? (context.documents.after ?? context.documents.before) : undefined;
        facts ??= changeFacts(context.change.path, context.change.op, doc);
        return facts;
      };
      for (const check of cheap) if (!check(context, lazyFacts)) return false;
      const isActivity = branchOfPath(context.change.path) === 'activity';
      if (
        context.documents === undefined &&
        ((isActivity && fromFacts.length > 0) || kinds !== null || expression !== null)
      ) {
        // Rule out what the path alone can before asking for the documents.
        if (!isActivity) for (const check of fromFacts) if (!check(context, lazyFacts)) return false;
        return 'needs-documents';
      }
      for (const check of fromFacts) if (!check(context, lazyFacts)) return false;
      if (kinds) {
        const doc = context.documents?.after ?? context.documents?.before;
        if (!kinds(typeof doc?.['kind'] === 'string' ? doc['kind'] : null)) return false;
      }
      return expression ? expression(context, lazyFacts()) : true;
    },
  };
}

/** Holds when any of the matchers does. */
function anyOf(matchers: readonly CompiledMatcher[]): CompiledMatcher {
  if (matchers.length === 1) return matchers[0] as CompiledMatcher;
  return {
    test(context) {
      let verdict: Verdict = false;
      for (const matcher of matchers) {
        const result = matcher.test(context);
        if (result === true) return true;
        if (result === 'needs-documents') verdict = result;
      }
      return verdict;
    },
  };
}

/** Compiles a validated policy; problems are `match.0.expression: …` and the like. */
export function compilePolicy(policy: Policy, env: Environment, problems: string[]): CompiledPolicy {
  const where = (index: number) => (policy.match.length === 1 ? 'match' : `match.${index}`);
  return {
    ...policy,
    matcher: anyOf(policy.match.map((matcher, index) => compileMatcher(matcher, env, where(index), problems))),
    exceptions: policy.unless.map((matcher, index) => compileMatcher(matcher, env, `unless.${index}`, problems, false)),
    escalations: policy.escalate.map((rule, index) => ({
      when: compileMatcher(rule.when, env, `escalate.${index}.when`, problems),
      severity: rule.severity,
    })),
  };
}
