// The public corpus (real CloudTrail records, Kubernetes audit events and objects written by
// other projects), copied unchanged from the team's shared folder into test/fixtures/corpus with
// its PROVENANCE.md, so tests run from any clone.
import { join } from 'node:path';

export const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'corpus');
