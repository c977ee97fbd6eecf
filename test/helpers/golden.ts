// Golden files: the expected output lives in a file beside the test. Run the tests with
// UPDATE_GOLDEN=1 to (re)write them, then review the diff like any other change.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export function assertGolden(actual: string, path: string): void {
  if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(path)) {
    if (process.env['UPDATE_GOLDEN'] !== '1')
      assert.fail(`golden file ${path} is missing: run with UPDATE_GOLDEN=1 and review it`);
    writeFileSync(path, actual);
    return;
  }
  assert.equal(actual, readFileSync(path, 'utf8'), `output differs from golden file ${path}`);
}
