// Where a checkpoint's RFC 3161 time-stamp is kept: the TimeStampResp as a blob named by
// `refs/tags/timestamps/<time>` beside `refs/tags/checkpoints/<time>`, so it travels to mirrors
// with the tags and `git cat-file blob timestamps/<time> > t.tsr` hands it to `openssl ts`.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeLooseObject } from '../ledger/loose-object.ts';
import { updateRef } from '../ledger/refs.ts';
import { CHECKPOINT_TAG_PREFIX } from './message.ts';

export const TIMESTAMP_TAG_PREFIX = 'timestamps/';

/** `checkpoints/20250101T100000Z` → `timestamps/20250101T100000Z`. */
export function timestampTagName(checkpointName: string): string {
  return `${TIMESTAMP_TAG_PREFIX}${checkpointName.slice(CHECKPOINT_TAG_PREFIX.length)}`;
}

export function checkpointNameOfTimestamp(timestampName: string): string {
  return `${CHECKPOINT_TAG_PREFIX}${timestampName.slice(TIMESTAMP_TAG_PREFIX.length)}`;
}

export function storeTimestamp(gitdir: string, checkpointName: string, response: Uint8Array): string {
  const oid = writeLooseObject(gitdir, 'blob', response);
  const ref = `refs/tags/${timestampTagName(checkpointName)}`;
  mkdirSync(dirname(join(gitdir, ref)), { recursive: true });
  updateRef(gitdir, ref, oid, null);
  return oid;
}
