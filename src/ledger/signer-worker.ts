// The signing thread (commit-signer.ts): takes unsigned commits from the shared slot, answers
// them signed, until the slot is stopped.
import type { KeyObject } from 'node:crypto';
import { workerData } from 'node:worker_threads';
import { publicKeyFromRaw } from '../signing/ssh-key.ts';
import { signSsh } from '../signing/sshsig.ts';
import { withSignature } from './objects.ts';
import { SignerSlot } from './signer-slot.ts';

const data = workerData as { buffer: SharedArrayBuffer; privateKey: KeyObject; publicKey: Uint8Array };
const key = { publicKey: publicKeyFromRaw(data.publicKey), privateKey: data.privateKey, comment: '' };
const slot = new SignerSlot(data.buffer);
for (let unsigned = slot.take(); unsigned !== null; unsigned = slot.take()) {
  let signed: Uint8Array | null = null;
  try {
    signed = withSignature(unsigned, signSsh(key, unsigned));
  } catch {
    // The writer signs this commit itself, and says why if it fails there too.
  }
  slot.answer(signed);
}
