// The checkpoint chain's numbering (issue 11): checkpoints lost and accepted as lost leave a gap
// in the numbers, so no number is given to two checkpoints; verify accepts a gap only where the
// checkpoint after it carries a `Chain-Reset:` naming the newest number lost, and reports any
// other gap with the missing numbers.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import pino from 'pino';
import { git } from '../../test/helpers/git.ts';
import { change } from '../../test/helpers/notify-rig.ts';
import { sharedSigningKey } from '../../test/helpers/signing-key.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { Checkpointer } from '../checkpoint/checkpointer.ts';
import type { ChainReset } from '../checkpoint/message.ts';
import { Ledger } from '../ledger/ledger.ts';
import { readSigners } from '../signing/key-store.ts';
import { verifyRepository } from './verify.ts';

const log = pino({ level: 'silent' });
const TAGGER = { name: 'gitrail', email: 'gitrail@localhost' };

/** A repository with checkpoint #1, then one written with `chainReset`; the verify report and its tags. */
async function chainWith(t: TestContext, chainReset: ChainReset) {
  const dir = tempDir(t);
  const dataDir = join(dir, 'data');
  const { keyFile, signers } = sharedSigningKey(dir);
  let clock = Date.UTC(2026, 11, 4, 9);
  const now = () => clock;
  const ledger = await Ledger.open({ dataDir, now, signing: { file: { path: keyFile, where: 'test' } }, log });
  try {
    const checkpointer = await Checkpointer.open({ dataDir, ledger, tagger: TAGGER, now, journalSeq: () => 0 });
    for (const options of [{}, { chainReset }]) {
      clock += 1000;
      await ledger.apply({ record: change({ path: `kubernetes/prod/core/configmaps/c-${clock}.yaml` }) });
      clock += 1000;
      await checkpointer.create('interval', options);
    }
  } finally {
    await ledger.close();
  }
  const gitdir = join(dataDir, 'repo.git');
  const tags = git(gitdir, 'tag', '-l', 'checkpoints/*').trim().split('\n');
  return { report: await verifyRepository({ gitdir, signers: readSigners(signers) }), tags, gitdir };
}

test('checkpoints #2-#4 lost and accepted: the next one is #5 and verifies, the reset noted', async (t) => {
  const note = '#4 checkpoints/20261204T085900Z 1234567890123456789012345678901234567890 missing on remote';
  const { report, tags, gitdir } = await chainWith(t, { note, lost: 4 });
  const second = git(gitdir, 'cat-file', 'tag', tags[1] as string);
  assert.match(second, /^Checkpoint: 5$/m);
  assert.match(second, new RegExp(`^Previous: ${tags[0]} `, 'm'));
  assert.match(second, new RegExp(`^Chain-Reset: ${note}$`, 'm'));
  assert.deepEqual(report.problems, []);
  assert.equal(report.lastCheckpoint?.number, 5);
  assert.deepEqual(
    report.notes.filter((line) => line.includes('Chain-Reset')),
    [`checkpoint ${tags[1]}: the chain was reset; Chain-Reset: ${note}`],
  );
});

test('an accepted loss already past (the remote held a later checkpoint) leaves no gap', async (t) => {
  const { report, tags, gitdir } = await chainWith(t, { note: '#1 checkpoints/x 00 missing on remote', lost: 1 });
  assert.match(git(gitdir, 'cat-file', 'tag', tags[1] as string), /^Checkpoint: 2$/m);
  assert.deepEqual(report.problems, []);
});

test('a gap no Chain-Reset: explains fails verify, naming the missing numbers', async (t) => {
  const { report, tags } = await chainWith(t, { note: '', lost: 3 });
  assert.deepEqual(report.problems, [
    {
      object: `checkpoint ${tags[1]}`,
      reason: `is number 4 after ${tags[0]} (number 1): #2-#3 are missing and no Chain-Reset: names the loss`,
    },
  ]);
});

test('a Chain-Reset: naming other numbers than the gap fails verify', async (t) => {
  const { report, tags } = await chainWith(t, { note: '#7 checkpoints/x 00 missing on remote', lost: 2 });
  assert.deepEqual(report.problems, [
    {
      object: `checkpoint ${tags[1]}`,
      reason: `is number 3 after ${tags[0]} (number 1): #2 is missing and no Chain-Reset: names the loss`,
    },
  ]);
});
