// The signing thread (commit-signer.ts): signs the commits the writer posts to the shared ring,
// in order, until the ring is stopped.
import type { KeyObject } from 'node:crypto';
import { workerData } from 'node:worker_threads';
import { publicKeyFromRaw } from '../signing/ssh-key.ts';
import { signSsh } from '../signing/sshsig.ts';
import { SignerRing } from './signer-ring.ts';

const data = workerData as { buffer: SharedArrayBuffer; privateKey: KeyObject; publicKey: Uint8Array };
const key = { publicKey: publicKeyFromRaw(data.publicKey), privateKey: data.privateKey, comment: '' };
new SignerRing(data.buffer).serve((unsigned) => signSsh(key, unsigned));
