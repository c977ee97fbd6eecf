// OpenSSH allowed-signers files (ssh-keygen(1) "ALLOWED SIGNERS"), the trust list both
// `git verify-commit` and `gitrail verify` read: `principals [options] ssh-ed25519 AAAA…`,
// with `namespaces="git"` and the `valid-after`/`valid-before` window that key rotation uses.
// Times are seconds, inclusive at both ends, as ssh-keygen compares them.
import { parsePublicKeyLine, type PublicKey } from './ssh-key.ts';

export interface AllowedSigner {
  readonly principals: string;
  readonly namespaces: readonly string[] | null;
  /** Epoch ms (whole seconds), or null for no bound. */
  readonly validAfter: number | null;
  readonly validBefore: number | null;
  readonly publicKey: PublicKey;
}

/** `YYYYMMDDHHMMSSZ` (UTC). */
export function formatSshTime(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/** `YYYYMMDD[HHMM[SS]][Z]`; without `Z` the time is local, as ssh-keygen reads it. Null when malformed. */
export function parseSshTime(text: string): number | null {
  const match = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z)?$/.exec(text);
  if (!match) return null;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0));
  const ms = match[7]
    ? Date.UTC(year, month - 1, day, hour, minute, second)
    : new Date(year, month - 1, day, hour, minute, second).getTime();
  return Number.isNaN(ms) ? null : ms;
}

export function formatAllowedSigner(signer: AllowedSigner): string {
  const options = [
    `namespaces="${(signer.namespaces ?? ['git']).join(',')}"`,
    ...(signer.validAfter === null ? [] : [`valid-after="${formatSshTime(signer.validAfter)}"`]),
    ...(signer.validBefore === null ? [] : [`valid-before="${formatSshTime(signer.validBefore)}"`]),
  ];
  return `${signer.principals} ${options.join(',')} ${signer.publicKey.line}`;
}

/** Splits `a="x,y",b` at commas outside quotes. */
function splitOptions(text: string): string[] {
  return text.match(/(?:[^,"]+|"[^"]*")+/g) ?? [];
}

/** Parses a file's text; `name` is used in errors (`FILE:LINE: reason`). Unknown options are errors. */
export function parseAllowedSigners(text: string, name: string): AllowedSigner[] {
  const signers: AllowedSigner[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${name}:${index + 1}`;
    const keyAt = line.search(/\sssh-|\s(?:ecdsa|sk-|rsa)/);
    if (keyAt < 0) throw new Error(`${where}: no public key`);
    const head = line.slice(0, keyAt).trim();
    const publicKey = parsePublicKeyLine(line.slice(keyAt + 1));
    if (!publicKey) throw new Error(`${where}: only ssh-ed25519 keys are supported`);
    const space = head.search(/\s/);
    const principals = space < 0 ? head : head.slice(0, space);
    let namespaces: string[] | null = null;
    let validAfter: number | null = null;
    let validBefore: number | null = null;
    for (const option of space < 0 ? [] : splitOptions(head.slice(space).trim())) {
      const match = /^([a-z-]+)(?:="([^"]*)")?$/i.exec(option.trim());
      const key = match?.[1]?.toLowerCase();
      const value = match?.[2];
      if (key === 'namespaces' && value !== undefined) namespaces = value.split(',');
      else if ((key === 'valid-after' || key === 'valid-before') && value !== undefined) {
        const time = parseSshTime(value);
        if (time === null) throw new Error(`${where}: ${key}="${value}" is not YYYYMMDD[HHMM[SS]][Z]`);
        if (key === 'valid-after') validAfter = time;
        else validBefore = time;
      } else throw new Error(`${where}: option ${option} is not supported`);
    }
    signers.push({ principals, namespaces, validAfter, validBefore, publicKey });
  });
  return signers;
}

/** Whether the signer may sign in `namespace` at `time` (epoch ms, compared in whole seconds). */
export function isSignerValidAt(signer: AllowedSigner, time: number, namespace = 'git'): boolean {
  if (signer.namespaces && !signer.namespaces.includes(namespace)) return false;
  const seconds = Math.floor(time / 1000);
  if (signer.validAfter !== null && seconds < signer.validAfter / 1000) return false;
  if (signer.validBefore !== null && seconds > signer.validBefore / 1000) return false;
  return true;
}

export type SignerCheck = { ok: true; signer: AllowedSigner } | { ok: false; reason: string };

/** The entry that allows `key` at `time`, or why none does (unknown key, or outside its window). */
export function findSigner(
  signers: readonly AllowedSigner[],
  key: PublicKey,
  time: number,
  namespace = 'git',
): SignerCheck {
  const entries = signers.filter((signer) => signer.publicKey.raw.equals(key.raw));
  if (entries.length === 0)
    return { ok: false, reason: `signed by ${key.fingerprint}, which is not an allowed signer` };
  const valid = entries.find((signer) => isSignerValidAt(signer, time, namespace));
  if (valid) return { ok: true, signer: valid };
  const at = new Date(Math.floor(time / 1000) * 1000).toISOString();
  return { ok: false, reason: `signed by ${key.fingerprint} at ${at}, outside the period that key is allowed for` };
}
