/**
 * Reading the stack config `domains` for the stack program (`index.ts`): a list of mail domains,
 * each the `MailDomain` arguments plus an optional component `name`.
 *
 * Every entry is checked whole before any component is declared (the argument shape, every record,
 * the DNS manager), with paths like `domains[2].spf.ip4[0]`, and all problems of all entries come
 * back as one `MailDomainArgsError`: a typo in the third domain creates nothing for the first two
 * either.
 *
 * Component names derive from the domain (`example.com` → `example-com`), never from list
 * positions, so reordering replaces nothing. Two domains that differ only in dots and hyphens
 * (`a.b.example.com`, `a-b.example.com`) would get the same name, and with it the same resource
 * names for all their records: that is an error naming both, and `name:` on one entry resolves it
 * while the other keeps its name (and its records). No automatic rule could: the program cannot
 * see which of the two is already deployed, and renaming that one would replace its records.
 */
import { MAIL_DOMAIN_ARG_FIELDS, MailDomainArgs } from "./args";
import { MailDomainArgsError } from "./errors";
import { preflight } from "./preflight";
import { ArgFields, objectArg, textArg } from "./records/args-schema";
import { Diagnostic, invalid } from "./records/diagnostics";

/** One entry of the stack config `domains`. */
export interface StackDomainEntry extends MailDomainArgs {
  /** The component's name; default the domain with dots as hyphens (`example-com`). */
  name?: string;
}

const STACK_DOMAIN_ENTRY = objectArg<StackDomainEntry>({ ...MAIL_DOMAIN_ARG_FIELDS, name: textArg(100) } satisfies ArgFields<StackDomainEntry>, {
  example: "{ domain: example.com, cloudflare: {} }",
  rfc: "MailDomain arguments",
});

const RFC_CONFIG = "Pulumi stack configuration";
const SUBJECT = "The stack config maildomain:domains";

/** A component name: what Pulumi accepts in a URN and what reads well as a prefix of child names. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

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

/** The component name of a domain when `name:` is not given. */
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
  const domains: (StackDomain & { at: string })[] = [];
  const byDomain = new Map<string, string>();
  value.forEach((entry: unknown, i) => {
    const at = `domains[${i}]`;
    const { plan, errors: problems } = preflight(entry as MailDomainArgs, { fieldPrefix: at, schema: STACK_DOMAIN_ENTRY });
    errors.push(...problems);
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return;
    const { name, ...args } = entry as StackDomainEntry;
    if (typeof args.domain !== "string") return;
    const key = plan.domain || args.domain.trim().toLowerCase().replace(/\.$/, "");
    const first = byDomain.get(key);
    if (first !== undefined) {
      errors.push(invalid("stack.duplicate-domain", `${at}.domain`, `${args.domain} appears twice (also ${first}): declare each domain once.`, RFC_CONFIG));
      return;
    }
    byDomain.set(key, at);
    if (typeof name === "string" && !NAME.test(name)) {
      errors.push(invalid("stack.name", `${at}.name`, `"${name.slice(0, 40)}" is not a component name: use letters, digits, ".", "_" and "-", starting with a letter or digit.`, RFC_CONFIG));
    }
    domains.push({ at, name: typeof name === "string" ? name : defaultComponentName(args.domain), args });
  });
  errors.push(...nameCollisions(domains));
  if (errors.length) throw new MailDomainArgsError("", errors, SUBJECT);
  return domains.map(({ name, args }) => ({ name, args }));
}

/** Two entries with one component name: every resource name of theirs would be the same. */
function nameCollisions(domains: readonly (StackDomain & { at: string })[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, StackDomain & { at: string }>();
  for (const d of domains) {
    const first = seen.get(d.name);
    if (!first) {
      seen.set(d.name, d);
      continue;
    }
    out.push(
      invalid(
        "stack.name-collision",
        `${d.at}.domain`,
        `${d.args.domain} and ${first.args.domain} (${first.at}) would both be the component "${d.name}", so all their records would have the same resource names and overwrite each other. Give one of them its own name: add name: ${JSON.stringify(`${d.name}-2`)} to the entry that is not deployed yet (the other keeps "${d.name}", so its records are not replaced).`,
        RFC_CONFIG,
      ),
    );
  }
  return out;
}
