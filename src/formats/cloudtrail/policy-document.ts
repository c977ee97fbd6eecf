// Policy documents that CloudTrail carries as strings (IAM policies, often URL-encoded as
// `%7B%22Version…`; KMS key policies; Lambda permission statements) are decoded into
// structure, so the repository diffs them statement by statement (DESIGN §3).

function parseJsonDocument(text: string): object | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return value !== null && typeof value === 'object' ? value : undefined;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

function decodeUri(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch (error) {
    if (error instanceof URIError) return undefined;
    throw error;
  }
}

/**
 * A policy document as structure: a JSON string is parsed, a URL-encoded one decoded first;
 * anything else (already structure, or text that is not a JSON document) is returned as is.
 */
export function decodePolicyDocument(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const direct = parseJsonDocument(value);
  if (direct !== undefined) return direct;
  if (!value.includes('%')) return value;
  const decoded = decodeUri(value);
  return (decoded === undefined ? undefined : parseJsonDocument(decoded)) ?? value;
}

/** Keys whose string values hold policy documents in CloudTrail parameters and responses. */
const DOCUMENT_KEY = /(?:polic(?:y|ies)(?:document|text)?|^statement)$/i;

/** Decodes every policy document held in a string under a policy-like key, at any depth. */
export function decodeEmbeddedDocuments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeEmbeddedDocuments);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      typeof item === 'string' && DOCUMENT_KEY.test(key) ? decodePolicyDocument(item) : decodeEmbeddedDocuments(item);
  }
  return out;
}
