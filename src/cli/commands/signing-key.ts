// `gitrail signing-key [--config FILE] [--data DIR] [--allowed-signers] [rotate]`: the public key
// that signs commits and checkpoints, and the allowed-signers lines (each key with its period)
// that `git verify-commit` and `gitrail verify` trust; `rotate` makes a new key sign from now on.
import { writerSettings } from '../../config/writer-settings.ts';
import { formatAllowedSigner } from '../../signing/allowed-signers.ts';
import { loadSigning } from '../../signing/key-store.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../usage-error.ts';
import { rotateSigningKey } from './rotate-key.ts';

export const SIGNING_KEY_HELP = `usage: gitrail signing-key [--config FILE] [--data DIR] [--allowed-signers] [rotate]
  Prints the SSH public key that signs every commit and checkpoint, and the allowed-signers
  lines to verify them with: git -c gpg.ssh.allowedSignersFile=FILE verify-commit <commit>.
  The key is created on first use (DIR/keys/signing.key) unless signing.keyFile names one.
  --allowed-signers   print only the allowed-signers lines (every key with its valid period)
  rotate              a new key signs from now on: the current key signs a checkpoint naming
                      the new one, then it is deleted (stop gitrail first)
  --config FILE       gitrail.yaml to use (default: GITRAIL_CONFIG, else ./gitrail.yaml if present)
  --data DIR          data folder, overriding the config's`;

export const signingKeyCommand: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(args, {
    config: { type: 'string' },
    data: { type: 'string' },
    'allowed-signers': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout.write(`${SIGNING_KEY_HELP}\n`);
    return 0;
  }
  const [action, ...extra] = positionals;
  if ((action !== undefined && action !== 'rotate') || extra.length > 0)
    throw new UsageError(`unknown argument '${[action, ...extra].join(' ')}'\n${SIGNING_KEY_HELP}`);
  const { dataDir, writer } = writerSettings({ file: values.config, data: values.data, env: io.env });
  if (action === 'rotate') {
    const rotated = await rotateSigningKey(dataDir, writer);
    io.stdout.write(
      `rotated: ${rotated.previous} signed ${rotated.checkpoint ?? 'no checkpoint (empty repository)'}; ` +
        `${rotated.next} signs from ${new Date(rotated.at).toISOString()}\n`,
    );
  }
  const signing = loadSigning(dataDir, {
    file: writer.signing.file,
    principal: writer.signing.principal,
    now: Date.now,
  });
  const lines = signing.signers.map(formatAllowedSigner);
  if (values['allowed-signers']) {
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  }
  io.stdout.write(
    [
      `public key    ${signing.key.publicKey.line} ${writer.signing.principal}`,
      `fingerprint   ${signing.key.publicKey.fingerprint}`,
      `key file      ${writer.signing.file?.path ?? `${dataDir}/keys/signing.key`}`,
      `allowed signers (${signing.allowedSignersFile}):`,
      ...lines,
      '',
    ].join('\n'),
  );
  return 0;
};
