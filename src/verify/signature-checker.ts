// Checks SSH signatures against an allowed-signers list as git does with
// gpg.ssh.allowedSignersFile: the signature must verify, its key must be listed for the `git`
// namespace, and the object's own time (committer or tagger) must fall in that key's period.
import { findSigner, type AllowedSigner } from '../signing/allowed-signers.ts';
import type { PublicKey } from '../signing/ssh-key.ts';
import { parseSshSignature, verifySsh } from '../signing/sshsig.ts';

export class SignatureChecker {
  readonly #signers: readonly AllowedSigner[];
  /** Fingerprints of the keys that signed something, with how many objects each signed. */
  readonly used = new Map<string, number>();
  readonly #keys = new Map<string, PublicKey>();

  constructor(signers: readonly AllowedSigner[]) {
    this.#signers = signers;
  }

  /** Null when the signature holds; otherwise why not, in words. */
  check(signature: string | null, payload: Uint8Array, time: number): string | null {
    if (signature === null) return 'not signed';
    let parsed: ReturnType<typeof parseSshSignature>;
    try {
      parsed = parseSshSignature(signature, this.#keys);
    } catch (error) {
      return `unreadable signature: ${(error as Error).message}`;
    }
    if (parsed.namespace !== 'git') return `signed for namespace "${parsed.namespace}", not "git"`;
    const signer = findSigner(this.#signers, parsed.publicKey, time);
    if (!signer.ok) return signer.reason;
    if (!verifySsh(parsed, payload))
      return `the signature by ${parsed.publicKey.fingerprint} does not match the content`;
    this.used.set(parsed.publicKey.fingerprint, (this.used.get(parsed.publicKey.fingerprint) ?? 0) + 1);
    return null;
  }
}
