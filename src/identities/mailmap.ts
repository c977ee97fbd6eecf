// One person, one author across sources: `identities:` in gitrail.yaml names a person and the
// author e-mails the sources give them (an IAM user's `alice@111122223333.aws.invalid`, a cluster's
// OIDC `alice@kubernetes.invalid`, the SSO session `alice@example.com`). Commits keep the author each
// source named (the record is never rewritten); git's own mailmap shows them as one person, in
// `git log`, `git shortlog`, `git blame` and `git log --author`. Pure: the format and the mapping.
import { z } from 'zod';

export { type Author, parseMailmap } from './mailmap-read.ts';

const IDENTITY_TEXT = /^[^<>\n\r\0]+$/;
const EMAIL = /^[^\s<>@]+@[^\s<>@]+$/;

export const IdentitiesConfig = z
  .array(
    z
      .object({
        name: z
          .string()
          .trim()
          .regex(IDENTITY_TEXT, 'a name holds no <, > or line break')
          .describe("the person's name"),
        email: z.string().trim().regex(EMAIL, 'not an e-mail address').describe("the person's e-mail"),
        aliases: z
          .array(
            z.string().trim().regex(EMAIL, 'an alias is an author e-mail as commits show it (git log --format=%ae)'),
          )
          .min(1)
          .describe('author e-mails the sources give this person (`git log --format=%ae`)'),
      })
      .strict(),
  )
  .default([])
  .superRefine((identities, ctx) => {
    const owner = new Map<string, number>();
    identities.forEach((identity, index) =>
      [identity.email, ...identity.aliases].forEach((email, at) => {
        const key = email.toLowerCase();
        const first = owner.get(key);
        if (first !== undefined && first !== index)
          ctx.addIssue({
            code: 'custom',
            path: [index, at === 0 ? 'email' : 'aliases'],
            message: `${email} already belongs to identities[${first}]: an author can be one person only`,
          });
        else owner.set(key, index);
      }),
    );
  })
  .describe('people and the author e-mails the sources give them, written as a git mailmap');
export type IdentitiesConfig = z.infer<typeof IdentitiesConfig>;

export const MAILMAP_HEADER = '# Written by gitrail from `identities:` in gitrail.yaml; edits here are replaced.\n';

/** git's mailmap format: `Name <email>` for the person's own address, `Name <email> <alias>` per alias. */
export function formatMailmap(identities: IdentitiesConfig): string {
  const lines = identities.flatMap(({ name, email, aliases }) => [
    `${name} <${email}>`,
    ...aliases
      .filter((alias) => alias.toLowerCase() !== email.toLowerCase())
      .map((alias) => `${name} <${email}> <${alias}>`),
  ]);
  return lines.length === 0 ? '' : `${MAILMAP_HEADER}${lines.join('\n')}\n`;
}
