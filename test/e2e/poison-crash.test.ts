// Issue 10 acceptance: the real daemon is SIGKILLed at random moments while clients post bodies
// that mix valid generic events with poison (impossible times, documents nested thousands deep,
// 300-character actors, and changes that each fit but together grow a file past 3 MiB), and
// while it drains. Every valid acknowledged event is committed exactly once; every poison event
// is refused in its answer or held in the quarantine, never committed; `git fsck --strict` is
// clean. POISON_SEED=<n> replays a run.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CrashingDaemon } from '../helpers/crashing-daemon.ts';
import { fsckStrict, git } from '../helpers/git.ts';
import { random } from '../helpers/random.ts';
import { tempDir } from '../helpers/tmp.ts';

const TOKEN = 'poison-crash-token-0123456789';
const BODIES = 60;
const VALID_PER_BODY = 40;
const CLIENTS = 3;
const KILLS_WHILE_POSTING = 3;
/** Bodies whose last two events each fit but together make a file too large: the second is quarantined. */
const GROWING = new Set([7, 29, 51]);

type Event = Record<string, unknown>;

function deep(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < levels; level += 1) value = { a: value };
  return value;
}

/** One body: valid events with poison among them; which index is which. */
function body(batch: number, rand: () => number) {
  const time = new Date(Date.now() - 3_600_000 + batch * 1000).toISOString();
  const events: Event[] = [];
  const valid: string[] = [];
  const refused = new Map<number, string>();
  const poison = (event: Event) => {
    refused.set(events.length, event['id'] as string);
    events.push(event);
  };
  for (let n = 0; n < VALID_PER_BODY; n += 1) {
    const id = `ok-${batch}-${n}`;
    // Nasty but valid: a bidi override in the path, a 5,000-character segment, control characters in the actor.
    const path =
      n % 13 === 0 ? `odd/evil\u202Etxt-${id}` : n % 17 === 0 ? `long/${'s'.repeat(5000)}-${id}` : `flags/${id}`;
    events.push({ id, time, actor: { name: n % 7 === 0 ? `ci\u001b[31m-${n}` : 'ci' }, path, object: { n, batch } });
    valid.push(id);
    if (rand() < 0.15) {
      const kind = Math.floor(rand() * 4);
      const bad = `bad-${batch}-${n}`;
      if (kind === 0) poison({ id: bad, time: 1e300, actor: 'x', path: 'never-seen', object: null });
      else if (kind === 1) poison({ id: bad, time: -5, actor: 'x', path: `flags/${bad}`, object: { n } });
      else if (kind === 2) poison({ id: bad, time, actor: 'x', path: `flags/${bad}`, object: deep(2600) });
      else poison({ id: bad, time, actor: { name: 'x'.repeat(300) }, path: `flags/${bad}`, object: { n } });
    }
  }
  const grow = GROWING.has(batch);
  if (grow) {
    const half = (id: string, letters: string) => ({
      id,
      time,
      actor: 'ci',
      path: `docs/big-${batch}`,
      changes: { [letters]: { newValue: letters.repeat(160_000) } },
    });
    events.push(half(`grow-${batch}-a`, 'abcdefghij'));
    valid.push(`grow-${batch}-a`);
    events.push(half(`grow-${batch}-b`, 'klmnopqrst'));
  }
  return { text: JSON.stringify(events), valid, refused, quarantined: grow ? [`grow-${batch}-b`] : [] };
}

test('SIGKILL during a flood of valid and poison events: valid ones committed once, poison refused or quarantined', {
  timeout: 300_000,
}, async (t) => {
  const seed = Number(process.env['POISON_SEED'] ?? Date.now() % 1_000_000);
  t.diagnostic(`POISON_SEED=${seed}`);
  const rand = random(seed);
  const dir = tempDir(t);
  const dataDir = join(dir, 'data');
  writeFileSync(join(dir, 'gitrail.yaml'), 'shutdownTimeoutMs: 200000\n');
  const crashing = await CrashingDaemon.start(t, {
    dataDir,
    args: ['--config', join(dir, 'gitrail.yaml')],
    env: { GITRAIL_INGEST_TOKEN: TOKEN },
    killsWhilePosting: KILLS_WHILE_POSTING,
    acksBeforeKill: () => 3 + Math.floor(rand() * 8),
    killDelayMs: () => Math.floor(rand() * 30),
  });

  const bodies = Array.from({ length: BODIES }, (_, batch) => body(batch, rand));
  const pending = bodies.map((_, batch) => batch);
  const acked = new Set<number>();
  const serverErrors: string[] = [];
  const worker = async () => {
    for (let batch = pending.shift(); batch !== undefined; batch = pending.shift()) {
      const { text, refused } = bodies[batch] as ReturnType<typeof body>;
      for (;;) {
        const response = await crashing.post('/ingest/events/flood', TOKEN, text);
        const answer = (await response.json()) as { problems?: Array<{ index: number; reason: string }> };
        if (response.status === 202) {
          const indexes = (answer.problems ?? []).map((problem) => problem.index);
          if (JSON.stringify(indexes) !== JSON.stringify([...refused.keys()]))
            crashing.fail(
              new Error(
                `body ${batch}: refused ${JSON.stringify(indexes)}, not ${JSON.stringify([...refused.keys()])}`,
              ),
            );
          break;
        }
        if (response.status >= 500) serverErrors.push(`${response.status} ${JSON.stringify(answer)}`);
        else crashing.fail(new Error(`body ${batch}: ${response.status} ${JSON.stringify(answer).slice(0, 200)}`));
      }
      acked.add(batch);
      crashing.acknowledged();
    }
  };
  await Promise.race([Promise.all(Array.from({ length: CLIENTS }, worker)), crashing.failed]);
  await crashing.settled();
  // Once more while it drains the backlog.
  await new Promise((resolve) => setTimeout(resolve, 200 + Math.floor(rand() * 1500)));
  await crashing.crash();
  assert.equal(acked.size, BODIES);
  assert.deepEqual(serverErrors, []);
  assert.equal(await crashing.daemon.stop(), 0);

  const gitdir = join(dataDir, 'repo.git');
  fsckStrict(gitdir);
  const committed = new Map<string, number>();
  for (const branch of ['main', 'activity']) {
    const refs = git(gitdir, 'for-each-ref', `refs/heads/${branch}`).trim();
    if (refs === '') continue;
    for (const id of git(gitdir, 'log', '--format=%(trailers:key=Event-ID,valueonly)', branch).split('\n')) {
      const trimmed = id.trim();
      if (trimmed) committed.set(trimmed, (committed.get(trimmed) ?? 0) + 1);
    }
  }
  const valid = bodies.flatMap((entry) => entry.valid);
  const notOnce = valid.filter((id) => committed.get(id) !== 1);
  assert.deepEqual(notOnce.slice(0, 10), [], 'every valid acknowledged event is committed exactly once');
  assert.equal(committed.size, valid.length, 'nothing but the valid events is committed');
  const held = readdirSync(join(dataDir, 'quarantine'))
    .filter((name) => name.endsWith('.json'))
    .map((name) => (JSON.parse(readFileSync(join(dataDir, 'quarantine', name), 'utf8')) as { eventId: string }).eventId)
    .sort();
  assert.deepEqual(
    held,
    bodies.flatMap((entry) => entry.quarantined).sort(),
    'each growing change is quarantined once',
  );
  const refusedCount = bodies.reduce((sum, entry) => sum + entry.refused.size, 0);
  t.diagnostic(
    `kills: ${crashing.kills}, valid: ${valid.length}, refused: ${refusedCount}, quarantined: ${held.length}`,
  );
  assert.ok(refusedCount > 0);
  assert.doesNotMatch(git(gitdir, 'log', '--format=%an%n%s', 'main'), /[\u0000-\u0008\u000b-\u001f\u202e]/);
});
