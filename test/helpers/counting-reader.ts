// A repository reader that counts the commits git is asked to diff (blame tests: what a kept
// or cached blame spares).
import { RepositoryReader } from '../../src/ledger/reader.ts';

export class CountingReader extends RepositoryReader {
  diffed = 0;
  override async filePatches(shas: readonly string[], path: string): Promise<Map<string, string>> {
    this.diffed += shas.length;
    return super.filePatches(shas, path);
  }
}
