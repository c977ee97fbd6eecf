// A shared signing key made by ssh-keygen (what `signing.keyFile` names when replicas share one)
// and the allowed-signers file an auditor verifies with, for tests that sign across writers.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function sharedSigningKey(dir: string): { keyFile: string; signers: string } {
  const keyFile = join(dir, 'signing.key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'gitrail', '-f', keyFile]);
  const signers = join(dir, 'allowed_signers');
  writeFileSync(signers, `gitrail@localhost namespaces="git" ${execFileSync('ssh-keygen', ['-y', '-f', keyFile])}`);
  return { keyFile, signers };
}
