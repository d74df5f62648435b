/**
 * Printing imported args: Pulumi stack config YAML for the repo's stack program (index.ts reads
 * `maildomain:domains`, enum values as their strings), or a TypeScript snippet with enum members.
 *
 * The values come from an untrusted zone file, so the output is data and nothing else: every
 * value is a quoted string literal with its unsafe characters escaped, and header comments hold
 * no character that ends a comment line, in TypeScript (LF, CR, U+2028, U+2029) or in any YAML
 * reader (YAML 1.1 and Go's YAML also break lines at NEL, U+2028 and U+2029).
 */
import { Document, Scalar, visit } from "yaml";
import { hasUnsafe, printable, replaceUnsafe, unicodeEscape } from "../../components/printable";
import { MailDomainArgs } from "../../components/args";
import { MailRecordsArgs } from "../../components/plan/args";
import { renderArgsTs, tsString } from "../../components/plan/render-args";

export type DnsManager = "cloudflare" | "route53";

/** Key order of an entry: the same reading order as Pulumi.dev.yaml and the args interface. */
const KEY_ORDER = ["domain", "cloudflare", "route53", "ttl", "mx", "nullMx", "spf", "dkim", "dmarc", "mtaSts", "tlsRpt", "bimi", "extraTxt"];

/** The args of one domain with its DNS manager block (`zoneName` = the zone the records came from). */
export function withDnsManager(args: MailRecordsArgs, dns: DnsManager, zoneName: string): MailDomainArgs {
  const entry: Record<string, unknown> = { ...args, [dns]: { zoneName } };
  const ordered: Record<string, unknown> = {};
  for (const k of KEY_ORDER) if (entry[k] !== undefined) ordered[k] = entry[k];
  for (const k of Object.keys(entry)) if (!(k in ordered) && entry[k] !== undefined) ordered[k] = entry[k];
  return ordered as unknown as MailDomainArgs;
}

/**
 * `config:` with `maildomain:domains:`, ready to paste into Pulumi.<stack>.yaml. `header` lines
 * become YAML comments. Strings that YAML could read as something else, or that start with an SPF
 * qualifier (`~all`, `-all`, `?all`), are double-quoted, as in Pulumi.dev.yaml; so is every string
 * with a control, format or line-breaking character, which is then written as an escape.
 */
export function renderYaml(entries: MailDomainArgs[], header: string[] = []): string {
  const doc = new Document({ config: { "maildomain:domains": entries } });
  visit(doc, {
    Scalar(_key, node: Scalar) {
      // YAML 1.1 readers (Pulumi's Go YAML among them, in places) take yes/no/on/off for booleans.
      if (typeof node.value === "string" && (/^[~?+\-!&*@%`'"|>#,[\]{}:]/.test(node.value) || /^(?:y|n|yes|no|on|off|true|false|null)$/i.test(node.value) || hasUnsafe(node.value) || /[\n\r\t]/.test(node.value))) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  if (header.length) doc.commentBefore = header.map((h) => ` ${printable(h)}`).join("\n");
  // The library escapes C0 controls in double-quoted strings but leaves DEL, C1 controls, U+2028,
  // U+2029, BOM and format characters raw. Only double-quoted strings can hold them here (keys are
  // the args' own names, comments went through printable), and there \uXXXX is their escape.
  // Line breaks between the lines of the document itself stay.
  return replaceUnsafe(doc.toString({ lineWidth: 0 }), (c) => (c === "\n" ? c : unicodeEscape(c)));
}

// ------------------------------------------------------------------------------------------------
// TypeScript

/** The component name the stack program gives a domain (index.ts): stable, from the domain. */
export function componentNameFor(domain: string): string {
  return domain.toLowerCase().replace(/\.$/, "").replace(/[^a-z0-9-]+/g, "-");
}

/**
 * `new MailDomain("example-com", { … })` per domain, with enum members (`SpfAll.SoftFail`), for a
 * program beside the repo's `components/` (adjust `importFrom` elsewhere).
 */
export function renderTypeScript(entries: MailDomainArgs[], header: string[] = [], importFrom = "./components"): string {
  const used = new Set<string>(["MailDomain"]);
  const body = entries.map((e) => `new MailDomain(${tsString(componentNameFor(e.domain))}, ${renderArgsTs(e, "", { used })});`).join("\n\n");
  const names = [...used].sort();
  const lines = [...header.map((h) => `// ${printable(h)}`), `import { ${names.join(", ")} } from ${tsString(importFrom)};`, "", body, ""];
  return lines.join("\n");
}
