// Reads the changed documents of a commit for policies that look at content: each file
// after the commit (its blob) and before it (the file at the parent), parsed from canonical
// YAML, all through one `git cat-file --batch`. Only called when a policy cannot decide from
// the commit and its paths.
import type { Doc } from '../domain/change.ts';
import { readTexts } from '../ledger/cat-file.ts';
import type { RepositoryReader } from '../ledger/reader.ts';
import { parseCanonicalYaml } from '../normalise/canonical-yaml.ts';
import type { CommitInput, DocumentPair, Documents } from '../policy/compile.ts';

export function createDocumentLoader(reader: RepositoryReader): (commit: CommitInput) => Promise<Documents> {
  return async (commit) => {
    const names: string[] = [];
    const slots = commit.changes.map((change) => {
      const slot = (name: string | null): number | null => (name === null ? null : names.push(name) - 1);
      return {
        path: change.path,
        before: slot(change.op === 'A' || commit.parent === null ? null : `${commit.parent}:${change.path}`),
        after: slot(change.blob),
      };
    });
    const texts = names.length === 0 ? [] : await readTexts(reader.gitdir, names);
    const doc = (slot: number | null): Doc | null => {
      const text = slot === null ? null : (texts[slot] ?? null);
      return text === null ? null : parseCanonicalYaml(text);
    };
    return new Map(
      slots.map((slot): [string, DocumentPair] => [slot.path, { before: doc(slot.before), after: doc(slot.after) }]),
    );
  };
}
