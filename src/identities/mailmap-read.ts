// Reading a git mailmap (the investigator shows authors as the repository's mailmap names
// them). Apart from mailmap.ts's config schema so that a CLI run does not load zod. Pure.

export interface Author {
  readonly name: string;
  readonly email: string;
}

const MAILMAP_LINE = /^([^<#]*)<([^>]*)>\s*(?:([^<#]*)<([^>]*)>)?\s*(?:#.*)?$/;

/**
 * The mapping a mailmap file gives, as git reads it: `Name <commit-email>`, `<proper> <commit>`,
 * `Name <proper> <commit>` and `Name <proper> Commit Name <commit>`; other lines are skipped.
 */
export function parseMailmap(text: string): (author: Author) => Author {
  const rules: Array<{ email: string; name?: string; to: { name?: string; email?: string } }> = [];
  for (const line of text.split('\n')) {
    const match = MAILMAP_LINE.exec(line.trim());
    if (!match) continue;
    const [, first = '', firstEmail = '', second = '', secondEmail] = match;
    const properName = first.trim() || undefined;
    if (secondEmail === undefined)
      rules.push({ email: firstEmail.toLowerCase(), to: properName ? { name: properName } : {} });
    else
      rules.push({
        email: secondEmail.toLowerCase(),
        ...(second.trim() ? { name: second.trim() } : {}),
        to: { ...(properName ? { name: properName } : {}), ...(firstEmail ? { email: firstEmail } : {}) },
      });
  }
  return (author) => {
    const email = author.email.toLowerCase();
    // git prefers an entry naming the commit's name too over one naming only its e-mail.
    const rule =
      rules.find((r) => r.email === email && r.name === author.name) ?? rules.find((r) => r.email === email && !r.name);
    return rule ? { name: rule.to.name ?? author.name, email: rule.to.email ?? author.email } : author;
  };
}
