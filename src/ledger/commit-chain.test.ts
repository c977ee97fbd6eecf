import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateSigningKey } from '../signing/ssh-key.ts';
import { signSsh } from '../signing/sshsig.ts';
import { type ChainBranch, CommitChain, type CommitFacts } from './commit-chain.ts';
import { CommitSigner } from './commit-signer.ts';
import { EMPTY_TREE_OID, type GitObject, makeObject, serializeCommit } from './objects.ts';

const key = generateSigningKey('chain test');
const who = (n: number) => ({ name: `user ${n}`, email: `u${n}@example.com`, time: 1_700_000_000_000 + n * 1000 });
const fields = (n: number) => ({
  tree: EMPTY_TREE_OID,
  author: who(n),
  committer: who(n),
  // Some messages too big for the thread's slot: those are signed in line, in the same chain.
  message: n % 97 === 0 ? `big ${n}\n\n${'x'.repeat(70_000)}\n` : `change ${n}\n\nResource-Path: a/${n}.yaml\n`,
});
const facts = (n: number): Omit<CommitFacts, 'parent'> => ({
  branch: n % 3 === 0 ? 'activity' : 'main',
  time: who(n).time,
  authorName: `user ${n}`,
  authorEmail: `u${n}@example.com`,
  subject: `change ${n}`,
  body: '',
  trailers: {},
  changes: [],
});

/** Two branches written in turn, each commit signed in line: what the chain must reproduce. */
function expected(count: number): GitObject[] {
  const heads = { main: null as string | null, activity: null as string | null };
  return Array.from({ length: count }, (_, n) => {
    const branch = facts(n).branch;
    const commit = makeObject(
      'commit',
      serializeCommit({ ...fields(n), parent: heads[branch] }, (payload) => signSsh(key, payload)),
    );
    heads[branch] = commit.oid;
    return commit;
  });
}

test('commits signed on the thread are byte for byte those signed in line, parents and order included', () => {
  const landed: Array<{ commit: GitObject; parent: string | null }> = [];
  const chain = new CommitChain(key, (commit, what) => landed.push({ commit, parent: what.parent }), 10);
  const branches: Record<'main' | 'activity', ChainBranch> = { main: { head: null }, activity: { head: null } };
  const ids: string[] = [];
  let count = 0;
  try {
    // The thread starts with the 11th commit and takes a moment: at least 300 commits, some of them its.
    for (; count < 300 || (chain.signedOnThread < 10 && count < 50_000); count += 1) {
      const written = chain.write(branches[facts(count).branch], fields(count), facts(count));
      // Reading an id now and then settles the commit early; the rest settle when the next is written.
      if (count % 50 === 0) ids.push(written.oid);
      // The writer builds the next commit's blob and tree meanwhile.
      for (const until = performance.now() + 0.3; performance.now() < until; );
    }
    assert.ok(chain.signedOnThread >= 10, 'the thread signed commits');
    const main = expected(count).filter((_, n) => facts(n).branch === 'main');
    assert.equal(chain.headOf(branches.main), main.at(-1)?.oid);
    chain.settle();
  } finally {
    chain.close();
  }
  const want = expected(count);
  assert.deepEqual(
    landed.map(({ commit }) => commit.oid),
    want.map((commit) => commit.oid),
  );
  assert.ok(landed.every(({ commit }, n) => Buffer.from(commit.content).equals(Buffer.from(want[n]?.content ?? ''))));
  assert.equal(landed[4]?.parent, want[2]?.oid, 'commit 4 follows commit 2 on main');
  assert.deepEqual(
    ids,
    want.filter((_, n) => n % 50 === 0).map((commit) => commit.oid),
  );
});

test('when the thread stops answering, the writer signs what waits itself, the same bytes', async () => {
  const signer = new CommitSigner(key);
  const signed = (n: number, parent: string | null) =>
    makeObject(
      'commit',
      serializeCommit({ ...fields(n), parent }, (payload) => signSsh(key, payload)),
    );
  try {
    // Commits are signed in line until the thread serves.
    const first = serializeCommit({ ...fields(1), parent: null });
    while (!signer.post(first, 0, null)) await new Promise((resolve) => setTimeout(resolve, 10));
    const one = signer.next(true);
    assert.equal(one?.oid, signed(1, null).oid);
    signer.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(signer.post(serializeCommit({ ...fields(2), parent: null }), 0, 'follow'), true);
    const two = signer.next(true);
    assert.equal(two?.oid, signed(2, one?.oid ?? null).oid, "the writer follows the thread's last commit");
    assert.deepEqual(signer.counts, { thread: 1, writer: 1 });
  } finally {
    signer.close();
  }
});
