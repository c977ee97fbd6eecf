// zod issues → `path: message` lines, the form `gitrail check-config` prints. Unknown keys get
// one line each with their own path; a union (a secret ref) reports its closest alternative.
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type PathPart = PropertyKey;

export function formatPath(path: readonly PathPart[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const key = String(part);
      const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key);
      out += plain ? (out === '' ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
    }
  }
  return out === '' ? '(root)' : out;
}

function message(issue: Issue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return `required (${issue.expected})`;
  return issue.message.replace(/^Invalid input: /, '');
}

function flatten(issue: Issue, prefix: readonly PathPart[]): string[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${formatPath([...path, key])}: unknown key`);
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0] as Issue[];
    if (closest.length > 0) return closest.flatMap((inner) => flatten(inner, path));
  }
  return [`${formatPath(path)}: ${message(issue)}`];
}

/** One line per problem, in the order zod found them, without repeats. */
export function formatIssues(issues: readonly Issue[]): string[] {
  return [...new Set(issues.flatMap((issue) => flatten(issue, [])))];
}
