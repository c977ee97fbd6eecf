// Every record of the shared public corpus through parser, normaliser and reducer: nothing
// may throw, and at least 90% of the write events that should change a resource must land
// on a resource's path. Set GITRAIL_CORPUS to the corpus folder when it is not in /work/shared.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCanonicalYaml, toCanonicalYaml } from '../../normalise/canonical-yaml.ts';
import { createRedactor } from '../../normalise/redact.ts';
import { classifyRecord, isReadOnly } from './classify.ts';
import { normaliseCloudTrailRecord } from './normalise.ts';
import { parseCloudTrailText } from './parse.ts';
import { readRecord } from './record.ts';
import { reduceCloudTrailCall } from './reduce.ts';
import { CORPUS } from '../../../test/helpers/corpus.ts';

const folder = join(CORPUS, 'cloudtrail');
const options = { redact: createRedactor(Buffer.alloc(32, 7)) };

test('corpus: every record is parsed, normalised and reduced; ≥ 90% of state writes land on a resource path', () => {
  const counts = {
    records: 0,
    parseErrors: 0,
    rejected: 0,
    writes: 0,
    activityByDesign: 0,
    stateWrites: 0,
    onResourcePath: 0,
    rootToActivity: 0,
    ignored: 0,
  };
  const missed: string[] = [];
  for (const file of readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    for (const entry of parseCloudTrailText(readFileSync(join(folder, file), 'utf8'))) {
      if ('error' in entry) {
        counts.parseErrors += 1;
        continue;
      }
      counts.records += 1;
      const result = normaliseCloudTrailRecord(entry.record, options);
      if (result.kind === 'changes') {
        for (const change of result.changes) {
          assert.match(
            change.path,
            /^(aws\/[^/]+\/[^/]+\/[^/]+\/[^/]+\/[^/]+|activity\/aws\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/[^/]+)\.yaml$/,
            change.path,
          );
          const doc =
            change.update.kind === 'cloudtrail-call'
              ? reduceCloudTrailCall(null, change.update.call)
              : change.update.kind === 'put'
                ? change.update.doc
                : null;
          if (doc !== null) assert.deepEqual(parseCanonicalYaml(toCanonicalYaml(doc)), JSON.parse(JSON.stringify(doc)));
        }
      }
      const read = readRecord(entry.record);
      if (!read.ok) {
        counts.rejected += 1;
        continue;
      }
      // A write: a management event (not data, Insights or agent chatter) without errorCode, not read-only.
      const route = classifyRecord(read.record);
      if (read.record.errorCode !== undefined || isReadOnly(read.record) || route.kind === 'ignored') continue;
      counts.writes += 1;
      if (route.kind === 'activity') {
        counts.activityByDesign += 1;
        continue;
      }
      counts.stateWrites += 1;
      const onMain = result.kind === 'changes' && result.changes.some((change) => change.branch === 'main');
      if (onMain) counts.onResourcePath += 1;
      else if (result.kind === 'changes') counts.rootToActivity += 1;
      else counts.ignored += 1;
      if (!onMain)
        missed.push(
          `${file} ${read.record.service}:${read.record.eventName}: ` +
            `${result.kind === 'changes' ? 'activity (root)' : result.reason}`,
        );
    }
  }
  const share = counts.onResourcePath / counts.stateWrites;
  console.log(JSON.stringify(counts));
  console.log(
    `${counts.onResourcePath} of ${counts.stateWrites} state writes land on a resource path ` +
      `(${(100 * share).toFixed(1)}%); ` +
      `${counts.onResourcePath + counts.activityByDesign + counts.rootToActivity} of ${counts.writes} writes are ` +
      `recorded (main or activity)`,
  );
  console.log(`not on a resource path:\n  ${missed.join('\n  ')}`);
  assert.ok(counts.records > 900, `corpus has ${counts.records} records`);
  assert.ok(share >= 0.9, `only ${(100 * share).toFixed(1)}% of state writes land on a resource path`);
});
