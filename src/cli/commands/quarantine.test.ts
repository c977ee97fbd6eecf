import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { pino } from 'pino';
import { Config } from '../../config/schema.ts';
import type { IndexedCommit } from '../../index/index-db.ts';
import { startDaemon } from '../../main.ts';
import { gitrail } from '../../../test/helpers/cli.ts';
import { fsckStrict, git } from '../../../test/helpers/git.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';

const TOKEN = 'quarantine-test-token-0123456789';

test(
  'a change that would grow a file past 3 MiB is quarantined, ' + 'listed, shown, and committed on retry once it fits',
  async (t) => {
    const data = tempDir(t);
    const config = Config.parse({ data, listen: '127.0.0.1:0' });
    const waiting = new Map<string, () => void>();
    const committedEvent = (id: string) => new Promise<void>((resolve) => waiting.set(id, resolve));
    const onCommitted = (commits: readonly IndexedCommit[]) => {
      for (const commit of commits) waiting.get(commit.trailers['Event-ID'] ?? '')?.();
    };
    const daemon = await startDaemon({
      config,
      env: { GITRAIL_INGEST_TOKEN: TOKEN },
      log: pino({ level: 'silent' }),
      onCommitted,
    });
    t.after(() => daemon.stop('test end'));
    const send = async (id: string, changes: Record<string, { newValue: unknown }>) => {
      const response = await fetch(`${daemon.url}/ingest/events/big`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ id, time: new Date().toISOString(), actor: 'ci', path: 'docs/big', changes }),
      });
      assert.equal(response.status, 202, await response.text());
    };

    // Each event fits; together a and b would make a 4 MiB file. c (journaled after b) shrinks it.
    const first = committedEvent('a');
    await send('a', { part1: { newValue: 'abcdefghij'.repeat(160_000) } });
    await first;
    const shrunk = committedEvent('c');
    await send('b', { part2: { newValue: 'klmnopqrst'.repeat(160_000) } });
    await send('c', { part1: { newValue: null } });
    await shrunk;

    const list = gitrail(['quarantine', 'list', '--data', data]);
    assert.equal(list.status, 0, list.stderr);
    assert.match(
      list.stdout,
      new RegExp(
        String.raw`^(change-[0-9a-f]{16}) {2}\S+ {2}generic\/big {2}b\n {4}path: ` +
          String.raw`{2}custom\/big\/docs\/big\.yaml\n {4}error: INVALID_INPUT: custom\/big\/docs\/big\.yaml ` +
          String.raw`would be \d+ bytes of YAML; at most 3145728 are accepted`,
      ),
    );
    assert.equal(list.stderr, '1 quarantined record: gitrail quarantine retry --all\n');
    const id = /^(change-[0-9a-f]{16})/.exec(list.stdout)?.[1] as string;

    const viewToken = readFileSync(daemon.viewerTokenFile as string, 'utf8').trim();
    const page = await (
      await fetch(`${daemon.url}/sources`, { headers: { authorization: `Bearer ${viewToken}` } })
    ).text();
    assert.match(page, new RegExp(`<code>${id}</code>`));
    assert.match(page, /would be \d+ bytes of YAML/);
    const ready = (await (await fetch(`${daemon.url}/readyz`)).json()) as Record<string, unknown>;
    assert.deepEqual(ready['quarantine'], { records: 1 });

    // The file shrank: the retried change now fits and is committed once.
    const retried = committedEvent('b');
    assert.equal(gitrail(['quarantine', 'retry', '--data', data, 'nope']).status, 1);
    const retry = gitrail(['quarantine', 'retry', '--data', data, '--all']);
    assert.equal(retry.stdout, 'marked 1 record for retry; the daemon journals them again within 5 s\n');
    await retried;
    assert.equal(gitrail(['quarantine', '--data', data]).stdout, `no record is quarantined in ${data}/quarantine\n`);
    assert.equal(await daemon.stop('test'), 0);
    fsckStrict(daemon.gitdir);
    const ids = (branch: string) =>
      git(daemon.gitdir, 'log', '--format=%(trailers:key=Event-ID,valueonly)', branch).trim().split(/\n+/);
    assert.deepEqual(ids('main'), ['c', 'a']);
    // Older than the file's last change (c): recorded like any late event, never rolling the file back.
    assert.deepEqual(ids('activity'), ['b']);
    assert.match(git(daemon.gitdir, 'log', '-1', '--format=%B', 'activity'), /^Late: true$/m);
  },
);
