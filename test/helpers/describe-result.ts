// Renders a normaliser's result as reviewable text for golden files: per change the branch,
// path, author, date, subject, trailers and the canonical YAML (or the update).
import type { NormaliseResult } from '../../src/domain/change.ts';
import { toCanonicalYaml } from '../../src/normalise/canonical-yaml.ts';

export function describeResult(result: NormaliseResult): string {
  if (result.kind !== 'changes') return `${result.kind}: ${result.reason}\n`;
  return result.changes
    .map((change) => {
      const head = [
        `branch: ${change.branch}`,
        `path: ${change.path}`,
        `author: ${change.author.name} <${change.author.email}>`,
        `date: ${new Date(change.time).toISOString()}`,
        `subject: ${change.subject}`,
        ...change.trailers.map(([key, value]) => `trailer ${key}: ${value}`),
      ].join('\n');
      const body =
        change.update.kind === 'put' ? toCanonicalYaml(change.update.doc) : `${JSON.stringify(change.update)}\n`;
      return `${head}\n---\n${body}`;
    })
    .join('\n===\n');
}
