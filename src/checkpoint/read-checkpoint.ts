// A checkpoint tag read back from the repository: its tag fields, its facts and the hash of
// its signature, for chaining the next checkpoint and for `gitrail verify`.
import { createHash } from 'node:crypto';
import { parseTag, type ParsedTag } from '../ledger/tag-object.ts';
import { parseSshSignature } from '../signing/sshsig.ts';
import { parseCheckpointMessage, type CheckpointFacts } from './message.ts';

export interface ReadCheckpoint {
  readonly name: string;
  readonly oid: string;
  readonly tag: ParsedTag;
  readonly facts: CheckpointFacts;
  /** SHA-256 (hex) of the decoded signature blob; null when unsigned or unreadable. */
  readonly signatureSha256: string | null;
}

export function signatureSha256(armour: string): string {
  return createHash('sha256').update(parseSshSignature(armour).blob).digest('hex');
}

/** Reads a checkpoint tag object; throws an Error saying what is wrong with it. */
export function readCheckpoint(name: string, oid: string, content: Uint8Array): ReadCheckpoint {
  const tag = parseTag(content);
  if (!tag) throw new Error('not a tag object');
  if (tag.name !== name) throw new Error(`the tag object calls itself ${tag.name || 'nothing'}`);
  const facts = parseCheckpointMessage(tag.message, tag.taggerTime);
  let hash: string | null = null;
  try {
    hash = tag.signature ? signatureSha256(tag.signature) : null;
  } catch {
    hash = null;
  }
  return { name, oid, tag, facts, signatureSha256: hash };
}
