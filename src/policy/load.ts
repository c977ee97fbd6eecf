// Loads `policies/*.yaml`: each file holds one policy, or several as YAML documents separated
// by `---`. Everything is validated and compiled; problems come back as `file: path: message`
// lines (what `gitrail check-config` prints) instead of stopping at the first one.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as yaml from 'js-yaml';
import type { z } from 'zod';
import { compilePolicy, createPolicyEnvironment, type CompiledPolicy } from './compile.ts';
import { PolicyDocument, type Policy } from './schema.ts';

export interface LoadedPolicies {
  readonly policies: CompiledPolicy[];
  readonly problems: string[];
}

const POLICY_FILE = /\.ya?ml$/;

function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

export function formatZodProblems(file: string, prefix: string, error: z.ZodError, document?: unknown): string[] {
  return error.issues.map((issue) => {
    let path = issue.path;
    // `match` and `unless` may be one matcher or a list; name the matcher as the author wrote it.
    const key = path[0];
    if ((key === 'match' || key === 'unless') && path[1] === 0 && isSingle(document, key))
      path = [key, ...path.slice(2)];
    return `${file}: ${prefix}${formatIssuePath(path)}: ${issue.message}`;
  });
}

function isSingle(document: unknown, key: string): boolean {
  return (
    typeof document === 'object' && document !== null && !Array.isArray((document as Record<string, unknown>)[key])
  );
}

function readDocuments(file: string, text: string, problems: string[]): unknown[] | null {
  try {
    return yaml.loadAll(text).filter((doc) => doc !== null && doc !== undefined);
  } catch (error) {
    const mark = error instanceof yaml.YAMLException ? error.mark : undefined;
    const reason = error instanceof yaml.YAMLException ? error.reason : String(error);
    problems.push(`${file}: ${mark ? `line ${mark.line + 1}` : '(yaml)'}: ${reason}`);
    return null;
  }
}

/** Parses policy text (one file); exported for tests and `gitrail policy test --file`. */
export function parsePolicyText(file: string, text: string, problems: string[]): Policy[] {
  const documents = readDocuments(file, text, problems);
  if (documents === null) return [];
  const fileName = basename(file).replace(POLICY_FILE, '');
  const out: Policy[] = [];
  documents.forEach((document, index) => {
    const prefix = documents.length > 1 ? `documents.${index}.` : '';
    const parsed = PolicyDocument.safeParse(document);
    if (!parsed.success) {
      problems.push(...formatZodProblems(file, prefix, parsed.error, document));
      return;
    }
    const name = parsed.data.name ?? (documents.length === 1 ? fileName : undefined);
    if (name === undefined) {
      problems.push(`${file}: ${prefix}name: required when a file holds several policies`);
      return;
    }
    out.push({ ...parsed.data, name, file });
  });
  return out;
}

/** Compiles parsed policies, reporting compile problems and duplicate names. */
export function compilePolicies(parsed: readonly Policy[], problems: string[]): CompiledPolicy[] {
  const env = createPolicyEnvironment();
  const seen = new Map<string, string>();
  const policies: CompiledPolicy[] = [];
  for (const policy of parsed) {
    const first = seen.get(policy.name);
    if (first !== undefined) {
      problems.push(`${policy.file}: name: policy ${JSON.stringify(policy.name)} is already defined in ${first}`);
      continue;
    }
    seen.set(policy.name, policy.file);
    const own: string[] = [];
    const compiled = compilePolicy(policy, env, own);
    if (own.length > 0) problems.push(...own.map((problem) => `${policy.file}: ${problem}`));
    else policies.push(compiled);
  }
  return policies;
}

/** Every policy in `dir` (files ending in .yaml or .yml, in name order). */
export function loadPolicies(dir: string): LoadedPolicies {
  const problems: string[] = [];
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((name) => POLICY_FILE.test(name))
      .sort();
  } catch (error) {
    return {
      policies: [],
      problems: [`${dir}: cannot read the policy folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}`],
    };
  }
  const parsed: Policy[] = [];
  for (const name of files) {
    const file = join(dir, name);
    parsed.push(...parsePolicyText(file, readFileSync(file, 'utf8'), problems));
  }
  const policies = compilePolicies(parsed, problems);
  // Compile problems come after all parse problems; list each file's together, in file order.
  const fileOf = (problem: string) => problem.slice(0, problem.indexOf(': '));
  return {
    policies,
    problems: problems
      .map((problem, index) => ({ problem, index }))
      .sort((a, b) => fileOf(a.problem).localeCompare(fileOf(b.problem)) || a.index - b.index)
      .map((entry) => entry.problem),
  };
}

/** Cross-check with the configuration: every channel a policy names must exist. */
export function checkPolicyChannels(policies: readonly Policy[], channels: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const policy of policies) {
    policy.channels.forEach((channel, index) => {
      if (!channels.has(channel)) {
        const known = [...channels].sort().join(', ') || 'none configured';
        problems.push(
          `${policy.file}: channels.${index}: policy ${policy.name} names channel ${JSON.stringify(channel)}, ` +
            `which is not in notify.channels (${known})`,
        );
      }
    });
  }
  return problems;
}
