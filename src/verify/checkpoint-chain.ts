// The checkpoint tags as a chain: each one signed by a key allowed at its time, tagging the
// commit it names, and naming its predecessor by tag id, number and signature hash, from one
// first checkpoint to one newest, without forks or gaps (a deleted or replaced tag breaks the
// link of the checkpoint after it). The one gap accepted is the one a `Chain-Reset:` names: an
// operator accepted that the checkpoints up to `#<n>` were lost, and the next one is n + 1.
import { CHECKPOINT_TAG_PREFIX, lostByChainReset } from '../checkpoint/message.ts';
import { readCheckpoint, type ReadCheckpoint } from '../checkpoint/read-checkpoint.ts';
import { readRawObjectMap } from '../ledger/raw-objects.ts';
import { parsePublicKeyLine } from '../signing/ssh-key.ts';
import { parseSshSignature } from '../signing/sshsig.ts';
import type { Refs } from './history.ts';
import type { Problem } from './report.ts';
import type { SignatureChecker } from './signature-checker.ts';

/** The checkpoints that could be read, oldest first along the chain (unlinked ones by number). */
export async function readCheckpointChain(
  gitdir: string,
  refs: Refs,
  checker: SignatureChecker,
  problems: Problem[],
): Promise<ReadCheckpoint[]> {
  const named = [...refs.tags].filter(([name]) => name.startsWith(CHECKPOINT_TAG_PREFIX));
  const objects = await readRawObjectMap(
    gitdir,
    named.map(([, oid]) => oid),
  );
  const checkpoints: ReadCheckpoint[] = [];
  for (const [name, oid] of named) {
    const object = objects.get(oid);
    const where = `checkpoint ${name}`;
    if (!object || object.type !== 'tag') {
      problems.push({ object: where, reason: `refs/tags/${name} is ${object?.type ?? 'missing'}, not a tag object` });
      continue;
    }
    let checkpoint: ReadCheckpoint;
    try {
      checkpoint = readCheckpoint(name, oid, object.content);
    } catch (error) {
      problems.push({ object: where, reason: `not a checkpoint: ${(error as Error).message}` });
      continue;
    }
    const problem = checker.check(checkpoint.tag.signature, checkpoint.tag.payload, checkpoint.tag.taggerTime);
    if (problem) problems.push({ object: where, reason: problem });
    const { facts, tag } = checkpoint;
    const signer = signerOf(tag.signature);
    if (signer && signer !== facts.signingKey)
      problems.push({ object: where, reason: `says it is signed by ${facts.signingKey}, but ${signer} signed it` });
    const expected = facts.main ?? facts.activity ?? facts.lines[0]?.head ?? facts.archived[0]?.head;
    if (tag.object !== expected)
      problems.push({ object: where, reason: `tags ${tag.object}, but its message names ${expected ?? 'no head'}` });
    checkpoints.push(checkpoint);
  }
  return linkChain(checkpoints, problems);
}

/** `#3 is missing`, `#3-#5 are missing`. */
function missing(from: number, to: number): string {
  return from === to ? `#${from} is missing` : `#${from}-#${to} are missing`;
}

function signerOf(armour: string | null): string | null {
  try {
    return armour ? parseSshSignature(armour).publicKey.fingerprint : null;
  } catch {
    return null;
  }
}

function linkChain(checkpoints: readonly ReadCheckpoint[], problems: Problem[]): ReadCheckpoint[] {
  const byOid = new Map(checkpoints.map((checkpoint) => [checkpoint.oid, checkpoint]));
  const next = new Map<string, ReadCheckpoint>();
  const firsts: ReadCheckpoint[] = [];
  const byNumber = [...checkpoints].sort((a, b) => a.facts.number - b.facts.number);
  for (const checkpoint of byNumber) {
    const where = `checkpoint ${checkpoint.name}`;
    const previous = checkpoint.facts.previous;
    if (!previous) {
      if (checkpoint.facts.number !== 1) problems.push({ object: where, reason: 'names no previous checkpoint' });
      firsts.push(checkpoint);
      continue;
    }
    const before = byOid.get(previous.oid);
    if (!before) {
      problems.push({
        object: where,
        reason:
          `its previous checkpoint ${previous.name} (${previous.oid}) is not in the repository: deleted or ` +
          `replaced`,
      });
      continue;
    }
    const gap = checkpoint.facts.number - before.facts.number - 1;
    if (before.name !== previous.name || gap < 0)
      problems.push({
        object: where,
        reason: `names ${previous.name} as previous, found ${before.name} (number ${before.facts.number})`,
      });
    else if (gap > 0 && lostByChainReset(checkpoint.facts.chainReset) !== checkpoint.facts.number - 1)
      problems.push({
        object: where,
        reason:
          `is number ${checkpoint.facts.number} after ${before.name} (number ${before.facts.number}): ` +
          `${missing(before.facts.number + 1, checkpoint.facts.number - 1)} and no Chain-Reset: names the loss`,
      });
    if (before.signatureSha256 !== previous.signatureSha256)
      problems.push({
        object: where,
        reason: `the previous checkpoint's signature hash does not match ${previous.name}`,
      });
    const announced = before.facts.nextSigningKey ? parsePublicKeyLine(before.facts.nextSigningKey) : null;
    if (announced && announced.fingerprint !== checkpoint.facts.signingKey)
      problems.push({
        object: where,
        reason: `signed by ${checkpoint.facts.signingKey}, but ${before.name} handed over to ${announced.fingerprint}`,
      });
    const other = next.get(before.oid);
    if (other) problems.push({ object: where, reason: `forks the chain: ${other.name} also follows ${before.name}` });
    else next.set(before.oid, checkpoint);
  }
  if (firsts.length > 1)
    problems.push({
      object: `checkpoint ${(firsts[1] as ReadCheckpoint).name}`,
      reason: `starts a second chain (the first starts at ${(firsts[0] as ReadCheckpoint).name})`,
    });
  const ordered: ReadCheckpoint[] = [];
  const seen = new Set<string>();
  for (let at = firsts[0]; at && !seen.has(at.oid); at = next.get(at.oid)) {
    ordered.push(at);
    seen.add(at.oid);
  }
  // Checkpoints cut off from the chain still get their heads checked, in number order.
  for (const checkpoint of byNumber) if (!seen.has(checkpoint.oid)) ordered.push(checkpoint);
  return ordered;
}
