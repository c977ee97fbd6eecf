// Key rotation for `gitrail signing-key rotate`, with the writer lock held: the current key
// signs a checkpoint whose `Next-Signing-Key:` names the new key, then allowed_signers closes
// the old key's period and opens the new one's at that moment, and the old private key is gone.
import { Checkpointer } from '../../checkpoint/checkpointer.ts';
import type { LedgerSettings } from '../../config/ledger-settings.ts';
import { ConfigError } from '../../domain/errors.ts';
import { Ledger } from '../../ledger/ledger.ts';
import { completeRotation, prepareRotation } from '../../signing/key-store.ts';

export interface Rotation {
  readonly previous: string;
  readonly next: string;
  readonly checkpoint: string | null;
  readonly at: number;
}

export async function rotateSigningKey(dataDir: string, writer: LedgerSettings): Promise<Rotation> {
  if (writer.signing.file)
    throw new ConfigError([
      `signing.keyFile: ${writer.signing.file.path} is managed outside gitrail; point signing.keyFile at a new key ` +
        `and restart (the new key's period starts then)`,
    ]);
  const ledger = await Ledger.open({ dataDir, committer: writer.committer, signing: writer.signing });
  try {
    const previous = ledger.signing?.key.publicKey.fingerprint ?? '';
    const next = prepareRotation(dataDir, writer.signing.principal);
    const checkpointer = await Checkpointer.open({
      dataDir,
      ledger,
      tagger: writer.committer,
      retention: writer.retention,
    });
    const checkpoint = await checkpointer.create('rotation', { nextKey: next.publicKey });
    const at = checkpoint?.time ?? ledger.signingTime();
    completeRotation(dataDir, writer.signing.principal, at);
    return { previous, next: next.publicKey.fingerprint, checkpoint: checkpoint?.name ?? null, at };
  } finally {
    await ledger.close();
  }
}
