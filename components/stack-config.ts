/**
 * Reading the stack config `domains` for the stack program (`index.ts`): a list of mail domains,
 * each the `MailDomain` arguments.
 *
 * Every entry is checked whole before any component is declared (the argument shape, every record,
 * the DNS manager), with paths like `domains[2].spf.ip4[0]`, and all problems of all entries come
 * back as one `MailDomainArgsError`: a typo in the third domain creates nothing for the first two
 * either.
 *
 * Component names derive from the domain (`example.com` → `example-com`), never from list
 * positions, so reordering replaces nothing.
 */
import { MailDomainArgs } from "./args";
import { MailDomainArgsError } from "./errors";
import { preflight } from "./preflight";
import { Diagnostic, invalid } from "./records/diagnostics";

const RFC_CONFIG = "Pulumi stack configuration";
const SUBJECT = "The stack config maildomain:domains";

/** Problems with the stack config as a whole (not set, not a list): a user error without a stack trace. */
export class StackConfigError extends MailDomainArgsError {
  constructor(message: string) {
    super("", [invalid("stack.domains", "domains", message, RFC_CONFIG)], SUBJECT);
    this.message = `stack config "domains": ${message}`;
  }
}

export interface StackDomain {
  /** The component name. */
  name: string;
  args: MailDomainArgs;
}

/** The component name of a domain. */
export function defaultComponentName(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, "").replace(/[^a-z0-9-]+/g, "-");
}

/**
 * The mail domains of the stack config, every one checked; throws one `MailDomainArgsError` with
 * the problems of all entries, before anything is declared.
 */
export function stackDomains(value: unknown): StackDomain[] {
  if (value === undefined) {
    throw new StackConfigError("is not set: add a list of mail domains to Pulumi.<stack>.yaml under maildomain:domains (see Pulumi.dev.yaml).");
  }
  if (!Array.isArray(value)) throw new StackConfigError("must be a list of mail domains (YAML sequence), one entry per domain.");
  const errors: Diagnostic[] = [];
  const domains: StackDomain[] = [];
  const byDomain = new Map<string, string>();
  value.forEach((entry: unknown, i) => {
    const at = `domains[${i}]`;
    const { plan, errors: problems } = preflight(entry as MailDomainArgs, { fieldPrefix: at });
    errors.push(...problems);
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return;
    const args = entry as MailDomainArgs;
    if (typeof args.domain !== "string") return;
    const key = plan.domain || args.domain.trim().toLowerCase().replace(/\.$/, "");
    const first = byDomain.get(key);
    if (first !== undefined) {
      errors.push(invalid("stack.duplicate-domain", `${at}.domain`, `${args.domain} appears twice (also ${first}): declare each domain once.`, RFC_CONFIG));
      return;
    }
    byDomain.set(key, at);
    domains.push({ name: defaultComponentName(args.domain), args });
  });
  if (errors.length) throw new MailDomainArgsError("", errors, SUBJECT);
  return domains;
}
