// A commit object split the way `git verify-commit` splits it: the `gpgsig` header (and its
// continuation lines, which start with a space) taken out is the payload the signature signs.
// Pure; works on the raw object bytes so nothing is re-encoded.

export interface SignedCommit {
  readonly tree: string;
  readonly parents: readonly string[];
  /** Committer time, epoch ms: the time git checks a key's validity at. */
  readonly committerTime: number;
  /** The object without its signature header. */
  readonly payload: Buffer;
  /** The armoured signature, or null for an unsigned commit. */
  readonly signature: string | null;
  /** The message (after the headers). */
  readonly message: string;
}

const NEWLINE = 0x0a;
const SPACE = 0x20;

export function splitSignedCommit(content: Buffer): SignedCommit {
  const parents: string[] = [];
  let tree = '';
  let committerTime = Number.NaN;
  const kept: Buffer[] = [];
  const signature: string[] = [];
  let inSignature = false;
  let at = 0;
  while (at < content.length) {
    const end = content.indexOf(NEWLINE, at);
    const stop = end < 0 ? content.length : end + 1;
    const line = content.subarray(at, stop);
    if (line.length === 1 && line[0] === NEWLINE) {
      kept.push(content.subarray(at));
      break;
    }
    if (inSignature && line[0] === SPACE) {
      signature.push(line.toString('utf8', 1).replace(/\n$/, ''));
    } else {
      inSignature = false;
      const text = line.toString('utf8').replace(/\n$/, '');
      if (text.startsWith('gpgsig ')) {
        inSignature = true;
        signature.push(text.slice('gpgsig '.length));
      } else {
        kept.push(line);
        if (text.startsWith('tree ')) tree = text.slice(5);
        else if (text.startsWith('parent ')) parents.push(text.slice(7));
        else if (text.startsWith('committer ')) committerTime = Number(/ (\d+) [+-]\d{4}$/.exec(text)?.[1]) * 1000;
      }
    }
    at = stop;
  }
  const payload = Buffer.concat(kept);
  const split = payload.indexOf('\n\n');
  return {
    tree,
    parents,
    committerTime,
    payload,
    signature: signature.length > 0 ? `${signature.join('\n')}\n` : null,
    message: split < 0 ? '' : payload.toString('utf8', split + 2),
  };
}
