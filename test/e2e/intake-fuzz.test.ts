// Bad input, fuzz-style: random bytes, random JSON and truncated real bodies thrown at every
// intake route of the real daemon. Every answer must be a 4xx (or a 2xx that recorded nothing),
// never a 5xx; the daemon must stay up and exit cleanly; nothing may be written.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { admissionReview, auditEvent, cloudTrailRecord, eventList, genericEvent } from '../helpers/intake-fixtures.ts';
import { random } from '../helpers/random.ts';
import { startDaemonProcess } from '../helpers/daemon-process.ts';
import { git } from '../helpers/git.ts';
import { tempDir } from '../helpers/tmp.ts';

const TOKEN = 'fuzz-token-0123456789abcdef';
const BODIES_PER_ROUTE = 200;

/**
 * Keys that lead parsers deeper, without the ones a record needs to be valid (path, auditID, eventID, eventTime,
 * operation).
 */
const KEYS = [
  'kind',
  'apiVersion',
  'items',
  'Records',
  'Events',
  'detail',
  'detail-type',
  'request',
  'uid',
  'verb',
  'stage',
  'objectRef',
  'id',
  'time',
  'actor',
  'object',
  'changes',
  'eventName',
  'eventSource',
  'userIdentity',
  'metadata',
  '__proto__',
  'constructor',
  '',
];
const STRINGS = [
  'EventList',
  'Event',
  'AdmissionReview',
  'admission.k8s.io/v1',
  'audit.k8s.io/v1',
  'ResponseComplete',
  'create',
  '',
  '\u0000',
  '../..',
  '%2e%2e',
  'x'.repeat(300),
  '😀',
  '2026-03-02T10:00:00Z',
];

function randomJson(rand: () => number, depth = 0): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const roll = rand();
  if (depth > 4 || roll < 0.3)
    return pick<unknown>([null, true, false, 0, -1, 1e308, 3.5, Number.MAX_SAFE_INTEGER, pick(STRINGS)]);
  if (roll < 0.6) return Array.from({ length: Math.floor(rand() * 5) }, () => randomJson(rand, depth + 1));
  return Object.fromEntries(
    Array.from({ length: Math.floor(rand() * 6) }, () => [pick(KEYS), randomJson(rand, depth + 1)]),
  );
}

/** A strict prefix of a valid body, never ending at a line boundary (so it is never a valid NDJSON prefix). */
function truncate(rand: () => number, text: string): string {
  for (;;) {
    const at = 1 + Math.floor(rand() * (text.length - 1));
    if (text[at] !== '\n' && text[at - 1] !== '\n') return text.slice(0, at);
  }
}

function randomBytes(rand: () => number, length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length; at += 1) bytes[at] = Math.floor(rand() * 256);
  return bytes;
}

function bodies(rand: () => number, valid: readonly string[]): Array<string | Uint8Array<ArrayBuffer>> {
  return Array.from({ length: BODIES_PER_ROUTE }, (_, index) => {
    switch (index % 4) {
      case 0:
        // Now and then larger than the route's limit (413).
        return randomBytes(rand, index % 20 === 0 ? 70_000 + Math.floor(rand() * 40_000) : Math.floor(rand() * 4096));
      case 1:
        return JSON.stringify(randomJson(rand));
      default:
        return truncate(rand, valid[Math.floor(rand() * valid.length)] as string);
    }
  });
}

test('random and truncated bodies on every intake route: no 5xx, no crash, nothing written', {
  timeout: 180_000,
}, async (t) => {
  const seed = Number(process.env['FUZZ_SEED'] ?? Date.now() % 1_000_000);
  t.diagnostic(`FUZZ_SEED=${seed}`);
  const rand = random(seed);
  const dir = tempDir(t);
  const config = join(dir, 'gitrail.yaml');
  writeFileSync(config, 'intake:\n  kubernetesAudit: { maxBodyBytes: 65536 }\n  events: { maxBodyBytes: 65536 }\n');
  const daemon = await startDaemonProcess({
    dataDir: join(dir, 'data'),
    args: ['--config', config],
    env: { GITRAIL_INGEST_TOKEN: TOKEN },
  });
  t.after(() => daemon.child.kill('SIGKILL'));

  const audit = JSON.stringify(eventList(Array.from({ length: 50 }, (_, index) => auditEvent(index))));
  const routes: Array<[string, string[]]> = [
    ['/ingest/kubernetes/prod/audit', [audit, JSON.stringify(eventList([auditEvent(1)]))]],
    ['/ingest/kubernetes/prod/admission', [JSON.stringify(admissionReview('fuzz-1'))]],
    [
      '/ingest/cloudtrail',
      [
        JSON.stringify({ Records: [cloudTrailRecord(1), cloudTrailRecord(2)] }),
        JSON.stringify(cloudTrailRecord(3)),
        JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail', detail: cloudTrailRecord(4) }),
      ],
    ],
    [
      '/ingest/events/fuzz',
      [
        JSON.stringify([genericEvent(1), genericEvent(2)]),
        `${JSON.stringify(genericEvent(3))}\n${JSON.stringify(genericEvent(4))}\n${JSON.stringify(genericEvent(5))}`,
      ],
    ],
  ];
  const statuses = new Map<number, number>();
  const unexpected: string[] = [];
  for (const [path, valid] of routes) {
    const queue = bodies(rand, valid);
    const worker = async () => {
      for (let body = queue.shift(); body !== undefined; body = queue.shift()) {
        const response = await fetch(`${daemon.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body,
        });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const json = JSON.parse(text) as Record<string, unknown>;
        const recordedNothing = json['changes'] === 0 && json['facts'] === 0;
        const admissionAllowed =
          path.endsWith('/admission') && (json['response'] as { allowed?: boolean } | undefined)?.allowed === true;
        const fine =
          (response.status >= 400 && response.status < 500 && typeof json['detail'] === 'string') ||
          (response.status === 202 && recordedNothing) ||
          (response.status === 200 && admissionAllowed);
        if (!fine) unexpected.push(`${path} → ${response.status} ${text.slice(0, 200)}`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }
  t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
  assert.deepEqual(unexpected, []);
  assert.ok(![...statuses.keys()].some((status) => status >= 500));
  assert.ok((statuses.get(400) ?? 0) > BODIES_PER_ROUTE, 'most bodies are refused whole');
  assert.ok((statuses.get(413) ?? 0) > 0, 'oversized bodies get 413');

  assert.equal((await fetch(`${daemon.url}/healthz`)).status, 200);
  const ready = (await (await fetch(`${daemon.url}/readyz`)).json()) as {
    journal: { entries: number; committedSeq: number };
  };
  assert.deepEqual(ready.journal, { ...ready.journal, entries: 0, committedSeq: 0 }, 'nothing was ever journaled');
  assert.equal(await daemon.stop(), 0);
  assert.deepEqual(
    daemon.logs.filter((entry) => Number(entry['level']) >= 50),
    [],
    'no error was logged',
  );
  assert.equal(git(join(dir, 'data', 'repo.git'), 'for-each-ref').trim(), '', 'no branch was written');
});
