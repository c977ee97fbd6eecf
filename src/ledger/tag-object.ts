// Annotated tag objects as git writes them for `git tag -s`: headers, a blank line, the
// message, then the SSH signature of everything before it, appended to the message. `git
// verify-tag` splits the object at the `-----BEGIN SSH SIGNATURE-----` line to check it.
import { formatSignature, type SignPayload, type Signature } from './objects.ts';

export interface TagFields {
  /** The tagged commit. */
  readonly object: string;
  /** The tag's name (`checkpoints/20250101T100000Z`, without `refs/tags/`). */
  readonly name: string;
  readonly tagger: Signature;
  /** Ends with a newline. */
  readonly message: string;
}

export function serializeSignedTag(tag: TagFields, sign: SignPayload): Buffer {
  const payload = Buffer.from(
    `object ${tag.object}\ntype commit\ntag ${tag.name}\ntagger ${formatSignature(tag.tagger)}\n\n${tag.message}`,
  );
  return Buffer.concat([payload, Buffer.from(sign(payload))]);
}

export interface ParsedTag {
  readonly object: string;
  readonly type: string;
  readonly name: string;
  /** Tagger time, epoch ms. */
  readonly taggerTime: number;
  /** The message without the signature. */
  readonly message: string;
  /** What the signature signs. */
  readonly payload: Buffer;
  /** The signature's armour, or null for an unsigned tag. */
  readonly signature: string | null;
}

const SIGNATURE_LINE = '-----BEGIN SSH SIGNATURE-----';

/** Reads a tag object; null when it is not one (missing headers). */
export function parseTag(content: Uint8Array): ParsedTag | null {
  const text = Buffer.from(content).toString('utf8');
  const split = text.indexOf('\n\n');
  if (split < 0) return null;
  const headers = new Map<string, string>();
  for (const line of text.slice(0, split).split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) headers.set(line.slice(0, space), line.slice(space + 1));
  }
  const tagger = /(\d+) [+-]\d{4}$/.exec(headers.get('tagger') ?? '');
  const object = headers.get('object');
  if (!object || !tagger) return null;
  // As git does: the signature starts at the last line that opens one.
  const last = text.lastIndexOf(`\n${SIGNATURE_LINE}`);
  const at = last > split ? last + 1 : text.startsWith(SIGNATURE_LINE, split + 2) ? split + 2 : -1;
  const signed = at > 0;
  const payloadEnd = signed ? Buffer.byteLength(text.slice(0, at)) : content.length;
  return {
    object,
    type: headers.get('type') ?? '',
    name: headers.get('tag') ?? '',
    taggerTime: Number(tagger[1]) * 1000,
    message: text.slice(split + 2, signed ? at : undefined),
    payload: Buffer.from(content).subarray(0, payloadEnd),
    signature: signed ? text.slice(at) : null,
  };
}
