// What the timeline reads from git for each change: only what the format shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildInvestigateData } from '../../test/helpers/investigate-data.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { openDataSource } from './data-source.ts';
import { readsFor } from './render-changes.ts';
import { loadEntries } from './timeline.ts';

test("texts for summaries and JSON patches, git's patch alone for diff, no texts for activity events", async (t) => {
  const data = tempDir(t);
  await buildInvestigateData(data, { corpus: false });
  const source = await openDataSource({ data });
  t.after(() => source.close());
  const changesOf = (branch: 'main' | 'activity') =>
    source.queries
      .listCommits({ branch, limit: 20 })
      .commits.flatMap((commit) => commit.changes.map((change) => ({ commit, ...change })));
  const main = changesOf('main');
  const updates = main.filter((change) => change.op === 'M');
  assert.ok(updates.length > 0);

  const withTexts = await loadEntries(source, main, readsFor('table'));
  for (const entry of withTexts) {
    assert.equal(entry.after === null, entry.op === 'D', `${entry.path}: the text after, unless deleted`);
    assert.equal(entry.patch, null);
  }
  assert.ok(
    withTexts.filter((entry) => entry.op === 'M').every((entry) => entry.before !== null),
    'an update has a text before',
  );

  const diff = await loadEntries(source, main, readsFor('diff'));
  for (const entry of diff) {
    assert.deepEqual([entry.before, entry.after], [null, null], `${entry.path}: no texts for diff`);
    assert.match(entry.patch ?? '', /^diff --git /);
  }

  const activity = await loadEntries(source, changesOf('activity'), readsFor('json'));
  assert.ok(activity.length > 0);
  for (const entry of activity)
    assert.deepEqual([entry.before, entry.after], [null, null], `${entry.path}: activity shows no texts`);
});
