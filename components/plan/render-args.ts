/**
 * MailDomain arguments written as TypeScript, with enum members where the args interfaces have
 * enums (`SpfAll.SoftFail`, `DmarcPolicy.Quarantine`): what the importer prints for a whole domain
 * and the report advisor prints for one change. Pure.
 *
 * The values come from untrusted input (a zone file, a receiver's report), so the output is data and
 * nothing else: every string is a quoted literal with its unsafe characters escaped, and anything the
 * args cannot hold is printed as a string, never as code.
 */
import { replaceUnsafe, unicodeEscape } from "../printable";
import { Alignment, DkimAlgorithm, DmarcPolicy, MtaStsMode, SpfAll } from "../records/enums";

/** Where an enum-typed value sits (path with `[]` for array items) → the enum it belongs to. */
const ENUM_FIELDS: Record<string, { name: string; values: Record<string, string> }> = {
  "spf.all": { name: "SpfAll", values: SpfAll },
  "dmarc.policy": { name: "DmarcPolicy", values: DmarcPolicy },
  "dmarc.subdomainPolicy": { name: "DmarcPolicy", values: DmarcPolicy },
  "dmarc.nonexistentSubdomainPolicy": { name: "DmarcPolicy", values: DmarcPolicy },
  "dmarc.dkimAlignment": { name: "Alignment", values: Alignment },
  "dmarc.spfAlignment": { name: "Alignment", values: Alignment },
  "mtaSts.mode": { name: "MtaStsMode", values: MtaStsMode },
  "dkim[].algorithm": { name: "DkimAlgorithm", values: DkimAlgorithm },
};

export interface RenderArgsOptions {
  /** Collects the enum names used, for an import line. */
  used?: Set<string>;
  /** Objects and lists on one line whatever their length (a change quoted in a sentence). */
  inline?: boolean;
}

/**
 * `value` as a TypeScript expression. `path` is where it sits in the args (`dmarc`, `dkim[]`), so
 * enum-typed strings become enum members. Short objects below the top level stay on one line.
 */
export function renderArgsTs(value: unknown, path = "", opts: RenderArgsOptions = {}, depth = 0): string {
  const used = opts.used ?? new Set<string>();
  const pad = "  ".repeat(depth + 1);
  const end = "  ".repeat(depth);
  const fits = (s: string, nested: boolean) => opts.inline || (s.length <= 100 && !s.includes("\n") && nested);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((v) => renderArgsTs(v, `${path}[]`, { ...opts, used }, depth + 1));
    const inline = `[${items.join(", ")}]`;
    return fits(inline, true) ? inline : `[\n${items.map((i) => `${pad}${i},`).join("\n")}\n${end}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    const parts = entries.map(([k, v]) => `${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : tsString(k)}: ${renderArgsTs(v, path ? `${path}.${k}` : k, { ...opts, used }, depth + 1)}`);
    const inline = `{ ${parts.join(", ")} }`;
    return fits(inline, depth > 0) ? inline : `{\n${parts.map((p) => `${pad}${p},`).join("\n")}\n${end}}`;
  }
  if (typeof value === "string") {
    const e = ENUM_FIELDS[path];
    const member = e ? Object.entries(e.values).find(([, v]) => v === value)?.[0] : undefined;
    if (e && member) {
      used.add(e.name);
      return `${e.name}.${member}`;
    }
    return tsString(value);
  }
  return typeof value === "number" && Number.isFinite(value) ? String(value) : typeof value === "boolean" ? String(value) : tsString(String(value));
}

/** A string literal for TypeScript: JSON's escapes, and every unsafe character as \uXXXX. */
export function tsString(value: string): string {
  return replaceUnsafe(JSON.stringify(value), unicodeEscape);
}
