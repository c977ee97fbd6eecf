// The contract samples of the input formats (issue 13 §1): `__fixtures__/contract.<format>.<ext>` in
// the folders of src/sources/* and src/formats/*, by the format their names claim.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const SRC = join(import.meta.dirname, '..', '..', 'src');
const SAMPLE = /^contract\.([a-z0-9-]+)\.[a-z]+$/;

export function contractSamples(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const area of ['sources', 'formats']) {
    for (const folder of readdirSync(join(SRC, area), { withFileTypes: true })) {
      const fixtures = join(SRC, area, folder.name, '__fixtures__');
      if (!folder.isDirectory() || !existsSync(fixtures)) continue;
      for (const file of readdirSync(fixtures)) {
        const format = SAMPLE.exec(file)?.[1];
        if (format) found.set(format, [...(found.get(format) ?? []), join(fixtures, file)]);
      }
    }
  }
  return found;
}
