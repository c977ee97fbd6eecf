// The real `gitrail` binary in a real terminal (tmux panes of known sizes): colour only on a
// TTY and never with NO_COLOR, tables fitted to the pane, and git's pager behaviour.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { captureIo } from '../../test/helpers/capture-io.ts';
import { buildInvestigateData } from '../../test/helpers/investigate-data.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runCli } from '../cli/main.ts';
import { stripColour } from './colour.ts';
import { textWidth } from './table.ts';

const run = promisify(execFile);
const GITRAIL = join(import.meta.dirname, '../../bin/gitrail.js');
const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
})();

let dir = '';
let data = '';
let socket = '';
let panes = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitrail-tty-'));
  data = join(dir, 'data');
  // With the corpus: `changes -o diff` is several pages (writes) and far more than a pipe holds.
  await buildInvestigateData(data);
  socket = join(dir, 'tmux.sock');
  if (!hasTmux) return;
  await run('tmux', ['-S', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'idle', '-x', '80', '-y', '10', 'sh']);
});

after(async () => {
  if (hasTmux)
    await run('tmux', ['-S', socket, 'kill-server']).catch((error: unknown) =>
      assert.match(String(error), /no server|server exited|error connecting/),
    );
  rmSync(dir, { recursive: true, force: true });
});

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

interface Pane {
  readonly name: string;
  /** Resolves when the command has exited, with its exit status. */
  readonly done: Promise<number>;
  screen(colours?: boolean): Promise<string>;
  keys(...keys: string[]): Promise<void>;
}

/** Runs `gitrail <args>` in a new tmux session of the given size, with `env` and a clean TERM. */
async function openPane(
  args: readonly string[],
  size: { width: number; height: number },
  env: Record<string, string> = {},
  redirect = '',
): Promise<Pane> {
  panes += 1;
  const name = `pane${panes}`;
  const status = join(dir, `${name}.status`);
  const assignments = Object.entries({ TERM: 'xterm-256color', ...env })
    .map(([key, value]) => `${key}=${quote(value)}`)
    .join(' ');
  const unset = ['PAGER', 'GITRAIL_PAGER', 'NO_COLOR', 'COLUMNS', 'LESS']
    .filter((key) => !(key in env))
    .map((key) => `-u ${key}`)
    .join(' ');
  // After the command: record its status, signal the test, then block (on a channel nobody
  // signals) so the pane stays alive with its screen intact until the server is killed.
  const tmux = `tmux -S ${quote(socket)}`;
  const command =
    `env ${unset} ${assignments} ${quote(process.execPath)} ${quote(GITRAIL)} ` +
    `${args.map(quote).join(' ')} ${redirect}; echo $? > ${quote(status)}; ${tmux} wait-for -S ${name}; ${tmux} ` +
    `wait-for ${name}-never`;
  await run('tmux', [
    '-S',
    socket,
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    String(size.width),
    '-y',
    String(size.height),
    command,
  ]);
  const done = run('tmux', ['-S', socket, 'wait-for', name]).then(() => Number(readFileSync(status, 'utf8').trim()));
  return {
    name,
    done,
    async screen(colours = false) {
      const { stdout } = await run('tmux', [
        '-S',
        socket,
        'capture-pane',
        '-p',
        ...(colours ? ['-e'] : []),
        '-t',
        name,
      ]);
      return stdout;
    },
    async keys(...keys: string[]) {
      await run('tmux', ['-S', socket, 'send-keys', '-t', name, ...keys]);
    },
  };
}

/** Polls the pane until `predicate` holds (the pager draws asynchronously); fails after 10 s. */
async function until(pane: Pane, predicate: (screen: string) => boolean): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const screen = await pane.screen();
    if (predicate(screen)) return screen;
    if (Date.now() > deadline) assert.fail(`pane ${pane.name} never matched; screen:\n${screen}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The output of the same command in-process, not a TTY, fitted to `columns`. */
async function expected(args: readonly string[], columns: number): Promise<string> {
  const captured = captureIo({ COLUMNS: String(columns) });
  assert.equal(await runCli([...args], captured.io), 0, captured.stderr());
  return captured.stdout();
}

const lines = (text: string) =>
  text
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => line.trimEnd());
const TABLE = ['changes', '--data', '', '--since', '2026-03-09T01:30Z', '--until', '2026-03-09T02:30Z'];
const table = () => TABLE.map((arg) => (arg === '' ? data : arg));

test('on a TTY: colour, and the table fitted to the terminal width, at 100 and at 64 columns', {
  skip: !hasTmux && 'tmux is not installed',
}, async () => {
  for (const width of [100, 64]) {
    const pane = await openPane([...table(), '--no-pager'], { width, height: 30 });
    assert.equal(await pane.done, 0);
    const coloured = await pane.screen(true);
    assert.match(coloured, /\x1b\[1mKEY/, 'bold header');
    assert.match(coloured, /\x1b\[3[23]m(patch|create)/, 'operations in colour');
    const screen = stripColour(coloured);
    for (const line of screen.split('\n')) assert.ok(textWidth(line) <= width);
    assert.deepEqual(
      lines(screen),
      lines(await expected(table(), width)),
      `the pane at ${width} columns shows the table fitted to ${width}`,
    );
  }
});

test('NO_COLOR or --color never: no colour even on a TTY; --color always colours a file', {
  skip: !hasTmux && 'tmux is not installed',
}, async () => {
  for (const [env, extra] of [
    [{ NO_COLOR: '1' }, []],
    [{}, ['--color', 'never']],
  ] as const) {
    const pane = await openPane([...table(), '--no-pager', ...extra], { width: 120, height: 30 }, env);
    assert.equal(await pane.done, 0);
    const screen = await pane.screen(true);
    assert.doesNotMatch(screen, /\x1b\[/);
    assert.match(screen, /^COMMIT +KEY +OPERATION/);
  }
  const file = join(dir, 'always.txt');
  const pane = await openPane([...table(), '--color', 'always'], { width: 120, height: 10 }, {}, `> ${quote(file)}`);
  assert.equal(await pane.done, 0);
  assert.match(readFileSync(file, 'utf8'), /\x1b\[1mKEY/);
  // NO_COLOR wins over --color always.
  const none = captureIo({ NO_COLOR: '1' });
  assert.equal(await runCli([...table(), '--color', 'always'], none.io), 0);
  assert.doesNotMatch(none.stdout(), /\x1b\[/);
});

test('not a TTY (redirected): no colour, no pager, no width limit', {
  skip: !hasTmux && 'tmux is not installed',
}, async () => {
  const file = join(dir, 'plain.txt');
  const pane = await openPane(
    [...table(), '-o', 'diff'],
    { width: 60, height: 10 },
    { PAGER: 'false' },
    `> ${quote(file)}`,
  );
  assert.equal(await pane.done, 0, 'no pager ran (PAGER=false would have failed it) and nothing waited for a key');
  const text = readFileSync(file, 'utf8');
  assert.doesNotMatch(text, /\x1b\[/);
  assert.ok(
    text.split('\n').some((line) => textWidth(line) > 60),
    'lines are not cut to the terminal',
  );
});

test('long output goes through less -FRX: one screen, colours kept, waits for q; short output does not wait', {
  skip: !hasTmux && 'tmux is not installed',
}, async () => {
  const args = ['changes', '--data', data, '-o', 'diff'];
  const pane = await openPane(args, { width: 200, height: 20 });
  const screen = await until(
    pane,
    (text) => /^:\s*$/m.test(text.split('\n').slice(-2).join('\n')) || /\(END\)|lines \d+/.test(text),
  );
  const full = lines(stripColour(await expected(args, 200)));
  assert.ok(full.length > 40, 'the diff is longer than the screen');
  assert.deepEqual(lines(screen).slice(0, 19), full.slice(0, 19), 'the first screenful');
  assert.match(await pane.screen(true), /\x1b\[33mcommit [0-9a-f]{40}/, 'less -R passes colour through');
  const state = await Promise.race([pane.done.then(() => 'exited'), until(pane, () => true).then(() => 'waiting')]);
  assert.equal(state, 'waiting', 'gitrail waits for the pager');
  await pane.keys('q');
  assert.equal(await pane.done, 0);

  const short = await openPane(['log', 'deploy/web', '--cluster', 'default', '--data', data], {
    width: 100,
    height: 20,
  });
  assert.equal(await short.done, 0, 'less -F quits by itself when the output fits');
  assert.match(
    await short.screen(),
    /^[0-9a-f]{7} {2}2026-03-02T01:30:01Z {2}carol@example\.c… {2}delete {2}deleted\n/,
  );
});

test('GITRAIL_PAGER wins over PAGER; PAGER is used otherwise; --no-pager and an empty pager print directly', {
  skip: !hasTmux && 'tmux is not installed',
}, async () => {
  const args = ['log', 'deploy/web', '--cluster', 'default', '--data', data];
  const both = await openPane(
    args,
    { width: 120, height: 10 },
    { GITRAIL_PAGER: 'sed "s/^/gitrail-pager: /"', PAGER: 'sed "s/^/pager: /"' },
  );
  assert.equal(await both.done, 0);
  assert.match(await both.screen(), /^gitrail-pager: [0-9a-f]{7} {2}2026-03-02T01:30:01Z/);
  const pager = await openPane(args, { width: 120, height: 10 }, { PAGER: 'sed "s/^/pager: /"' });
  assert.equal(await pager.done, 0);
  assert.match(await pager.screen(), /^pager: [0-9a-f]{7}/);
  for (const [env, extra] of [
    [{ PAGER: 'sed "s/^/pager: /"' }, ['--no-pager']],
    [{ GITRAIL_PAGER: '' }, []],
    [{ PAGER: 'cat' }, []],
  ] as const) {
    const direct = await openPane([...args, ...extra], { width: 120, height: 10 }, env);
    assert.equal(await direct.done, 0);
    assert.match(await direct.screen(), /^[0-9a-f]{7} {2}2026-03-02T01:30:01Z/);
  }
});

test('a pager that quits early ends the listing quietly, with status 0', {
  skip: !hasTmux && 'tmux is not installed',
}, async () => {
  const marker = join(dir, 'head.txt');
  writeFileSync(marker, '');
  const args = ['changes', '--data', data, '-o', 'diff'];
  const full = await expected(args, 100);
  assert.ok((full.match(/^commit /gm) ?? []).length > 200, 'more than one page of 200 changes, so more than one write');
  assert.ok(
    full.length > 4 * 65_536,
    'far more than a pipe holds, so writes wait for the pager and it quits while they do',
  );
  const pane = await openPane(args, { width: 100, height: 10 }, { GITRAIL_PAGER: `head -n 3 > ${quote(marker)}` });
  assert.equal(await pane.done, 0);
  assert.equal(readFileSync(marker, 'utf8').split('\n').length, 4);
  assert.doesNotMatch(await pane.screen(), /EPIPE|Error/);
});
