// The investigator's test data folder: `examples/`, the shared public corpus (as cluster
// `corpus`) and the incident scenario (clusters `prod` and `staging`, AWS account
// 111122223333), ingested with a fixed clock, redaction key and signing key (a test key, not a
// secret) so commits are reproducible.
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runIngest } from '../../src/ingest/run-ingest.ts';
import { DEFAULT_SENSITIVE_KEYS } from '../../src/normalise/redact.ts';
import { CORPUS } from './corpus.ts';

/** "Now" in the scenario: an hour after the 02:00 incident. */
export const INVESTIGATE_NOW = Date.parse('2026-03-09T03:00:00Z');

const ROOT = join(import.meta.dirname, '../..');
export const INCIDENT = join(ROOT, 'src/investigate/__fixtures__/incident');
/** An Ed25519 key made for these tests: the same key signs the same commits into the same ids. */
const SIGNING_KEY = join(ROOT, 'test/fixtures/signing-test.key');

async function ingest(data: string, cluster: string, paths: string[]): Promise<void> {
  await runIngest({
    dataDir: data,
    paths,
    cluster,
    genericSource: 'events',
    redactionKey: new Uint8Array(32).fill(7),
    sensitiveKeys: DEFAULT_SENSITIVE_KEYS,
    now: () => INVESTIGATE_NOW,
    onProblem: () => undefined,
  });
}

/** Fills `data` (a fresh folder); returns its repository's gitdir. */
export async function buildInvestigateData(data: string, options: { corpus?: boolean } = {}): Promise<string> {
  mkdirSync(join(data, 'keys'), { recursive: true, mode: 0o700 });
  copyFileSync(SIGNING_KEY, join(data, 'keys', 'signing.key'));
  chmodSync(join(data, 'keys', 'signing.key'), 0o600);
  await ingest(data, 'default', [join(ROOT, 'examples')]);
  if (options.corpus ?? true) await ingest(data, 'corpus', [CORPUS]);
  await ingest(data, 'prod', [join(INCIDENT, 'prod-audit.ndjson'), join(INCIDENT, 'cloudtrail.json')]);
  await ingest(data, 'staging', [join(INCIDENT, 'staging-audit.ndjson')]);
  return join(data, 'repo.git');
}
