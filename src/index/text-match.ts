// The free-text filter's matching, with the semantics of the SQLite expression it replaces
// (`part LIKE '%' || escaped(needle) || '%' ESCAPE '\'` on subject, body and trailers JSON):
// a literal substring, case-insensitive for ASCII letters only, compared as UTF-8 (a lone
// surrogate is U+FFFD), and like SQLite's LIKE, blind past a NUL in the text or the needle
// (a needle with a NUL leaves a pattern without its closing `%`: the text must end with it).

export interface Needle {
  readonly text: string;
  /** The needle as UTF-8, ASCII letters lower-cased, cut at its first NUL. */
  readonly bytes: Buffer;
  /** True when the needle had a NUL: the text must end with `bytes`. */
  readonly anchored: boolean;
  /**
   * `bytes` as a latin1 string, lower-cased like `blockMayMatch` lower-cases a block; null when
   * a block's JSON text may not show the needle verbatim (it has `"`, `\` or a control character,
   * which JSON escapes in a subject or a body, or U+FFFD, which a lone surrogate escaped there
   * stands for), so no block can be ruled out from its text.
   */
  readonly probe: string | null;
}

/** Lower-cases the ASCII letters of UTF-8 bytes, in place. */
function foldAscii(bytes: Buffer): Buffer {
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i] as number;
    if (byte >= 0x41 && byte <= 0x5a) bytes[i] = byte + 0x20;
  }
  return bytes;
}

function cutAtNul(bytes: Buffer): Buffer {
  const nul = bytes.indexOf(0);
  return nul === -1 ? bytes : bytes.subarray(0, nul);
}

export function prepareNeedle(text: string): Needle {
  const utf8 = Buffer.from(text, 'utf8');
  const bytes = foldAscii(cutAtNul(utf8));
  const anchored = bytes.length < utf8.length;
  const plain = !anchored && text.isWellFormed() && !/["\\\u0000-\u001f\ufffd]/.test(text);
  return { text, bytes, anchored, probe: plain ? bytes.toString('latin1').toLowerCase() : null };
}

/**
 * A block's text to look for `Needle.probe` in: its inflated JSON as latin1, lower-cased.
 * Subjects and bodies appear there JSON-escaped, the trailers as the very JSON text searched;
 * lower-casing latin1 maps each byte on its own, so a byte-wise match survives it. No probe
 * in it: no slot of the block matches.
 */
export function searchText(json: Buffer): string {
  return json.toString('latin1').toLowerCase();
}

/** True when `part` LIKE '%needle%' (see the top of this file). */
export function partMatches(part: string, needle: Needle): boolean {
  const text = cutAtNul(foldAscii(Buffer.from(part, 'utf8')));
  if (!needle.anchored) return text.includes(needle.bytes);
  return text.length >= needle.bytes.length && text.subarray(text.length - needle.bytes.length).equals(needle.bytes);
}
