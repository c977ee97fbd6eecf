// Reads the changed documents of a commit for policies that look at content: each file
// after the commit (its blob) and before it (the file at the parent), parsed from canonical
// YAML. Only called when a policy cannot decide from the commit and its paths.
import type { Doc } from '../domain/change.ts';
import type { RepositoryReader } from '../ledger/reader.ts';
import { parseCanonicalYaml } from '../normalise/canonical-yaml.ts';
import type { CommitInput, DocumentPair, Documents } from '../policy/compile.ts';

async function parse(text: Promise<string | null>): Promise<Doc | null> {
  const value = await text;
  return value === null ? null : parseCanonicalYaml(value);
}

export function createDocumentLoader(reader: RepositoryReader): (commit: CommitInput) => Promise<Documents> {
  return async (commit) => {
    const pairs = await Promise.all(
      commit.changes.map(async (change): Promise<[string, DocumentPair]> => {
        const before = change.op === 'A' || commit.parent === null ? null : await parse(reader.readFile(commit.parent, change.path));
        const after = change.blob === null ? null : await parse(reader.readBlob(change.blob));
        return [change.path, { before, after }];
      }),
    );
    return new Map(pairs);
  };
}
