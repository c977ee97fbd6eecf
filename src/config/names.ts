// Names used in a URL, a path segment and a metric label (cluster names, generic source names),
// and the allow-lists of them that intake routes take.
import { z } from 'zod';

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export const Name = z
  .string()
  .regex(NAME_PATTERN, 'must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit');

/** The names a route accepts in its URL; empty accepts any. */
export const names = (what: string) =>
  z.array(Name).default([]).describe(`${what} accepted in the URL; empty accepts any`);
