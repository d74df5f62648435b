/**
 * Reading the stack config `domains`: it must be a list of objects each with a `domain`, and no
 * domain twice. Everything else is validated by `MailDomain` itself, with field paths.
 */
export class StackConfigError extends Error {
  constructor(message: string) {
    super(`stack config "domains": ${message}`);
    this.name = "MailDomainArgsError"; // a user-input error: tools print it without a stack trace
  }
}

export function stackDomains<T extends { domain: string }>(value: unknown): T[] {
  if (value === undefined) {
    throw new StackConfigError("is not set: add a list of mail domains to Pulumi.<stack>.yaml under maildomain:domains (see Pulumi.dev.yaml).");
  }
  if (!Array.isArray(value)) throw new StackConfigError("must be a list of mail domains (YAML sequence), one entry per domain.");
  const seen = new Set<string>();
  value.forEach((entry, i) => {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      throw new StackConfigError(`entry ${i} must be a mapping with at least "domain:".`);
    }
    const domain = (entry as { domain?: unknown }).domain;
    if (typeof domain !== "string" || domain.trim() === "") throw new StackConfigError(`entry ${i} has no "domain:" string.`);
    const key = domain.trim().toLowerCase().replace(/\.$/, "");
    if (seen.has(key)) throw new StackConfigError(`${domain} appears twice: declare each domain once.`);
    seen.add(key);
  });
  return value as T[];
}
