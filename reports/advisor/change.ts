/**
 * A suggested change to a domain's MailDomain arguments: what the advisor prints as the fix for a sender or the
 * next policy step, as data (so a test, or a user's tooling, can apply it and run it through the planner) and as
 * the TypeScript to write.
 *
 * Values the advisor cannot know (an account id inside a provider's CNAME target, a public key shown in a
 * console) are placeholders `{name}` in the strings, each listed with what it is and an example of its form;
 * the text shows them as `<name>`.
 */
import type { DkimArgs } from "../../components/records/dkim";
import type { DmarcArgs } from "../../components/records/dmarc";
import type { MailRecordsArgs } from "../../components/plan/args";
import { renderArgsTs } from "../../components/plan/render-args";
import type { MtaStsMode } from "../../components/records/enums";

export interface Placeholder {
  name: string;
  /** What to copy, and from where. */
  what: string;
  /** A value of the documented form (what the tests fill in). */
  example: string;
}

export interface ArgChange {
  /** Values to add to list arguments (kept when already there). */
  add?: { spfInclude?: string[]; spfIp4?: string[]; spfIp6?: string[]; dkim?: DkimArgs[] };
  /** Argument blocks to set: `dmarc` whole (the declared one with the change made), `mtaSts` merged. */
  set?: { dmarc?: DmarcArgs; mtaSts?: { mode: MtaStsMode } };
  placeholders?: Placeholder[];
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** The change as TypeScript, one argument per part: `spf.include: ["sendgrid.net"]`, `dkim: [{ … }]`. */
export function renderChange(change: ArgChange): string {
  const parts: string[] = [];
  const ts = (v: unknown, path: string) => renderArgsTs(v, path, { inline: true }).replace(PLACEHOLDER, "<$1>");
  const a = change.add ?? {};
  if (a.dkim?.length) parts.push(`dkim: ${ts(a.dkim, "dkim")}`);
  if (a.spfInclude?.length) parts.push(`spf.include: ${ts(a.spfInclude, "spf.include")}`);
  if (a.spfIp4?.length) parts.push(`spf.ip4: ${ts(a.spfIp4, "spf.ip4")}`);
  if (a.spfIp6?.length) parts.push(`spf.ip6: ${ts(a.spfIp6, "spf.ip6")}`);
  if (change.set?.dmarc) parts.push(`dmarc: ${ts(change.set.dmarc, "dmarc")}`);
  if (change.set?.mtaSts) parts.push(`mtaSts: ${ts(change.set.mtaSts, "mtaSts")}`);
  const text = parts.map((p) => `\`${p}\``).join(" and ");
  const holes = change.placeholders ?? [];
  return holes.length ? `${text}, where ${holes.map((p) => `<${p.name}> is ${p.what}`).join("; ")}` : text;
}

/** True when the change has values the user must still copy from somewhere. */
export const hasPlaceholders = (c: ArgChange): boolean => (c.placeholders?.length ?? 0) > 0;

/**
 * The arguments with the change made: lists extended (no duplicates; a DKIM selector replaced by its new
 * entry), `dmarc` replaced, `mtaSts` merged. `fill` gives the placeholders' values; a placeholder left unfilled
 * stays in the string, where the planner will refuse it.
 */
export function applyChange(args: MailRecordsArgs, change: ArgChange, fill: Record<string, string> = {}): MailRecordsArgs {
  const c = fillPlaceholders(change, fill);
  const out: MailRecordsArgs = { ...args };
  const a = c.add ?? {};
  if (a.spfInclude?.length || a.spfIp4?.length || a.spfIp6?.length) {
    const spf = { ...(out.spf ?? {}) };
    const merge = (have: string[] | undefined, more: string[] | undefined) => (more?.length ? [...(have ?? []), ...more.filter((m) => !(have ?? []).some((h) => h.toLowerCase() === m.toLowerCase()))] : have);
    spf.include = merge(spf.include, a.spfInclude);
    spf.ip4 = merge(spf.ip4, a.spfIp4);
    spf.ip6 = merge(spf.ip6, a.spfIp6);
    for (const k of ["include", "ip4", "ip6"] as const) if (spf[k] === undefined) delete spf[k];
    out.spf = spf;
  }
  if (a.dkim?.length) {
    const added = new Set(a.dkim.map((d) => d.selector.toLowerCase()));
    out.dkim = [...(out.dkim ?? []).filter((d) => !added.has(d.selector.toLowerCase())), ...a.dkim];
  }
  if (c.set?.dmarc) out.dmarc = { ...c.set.dmarc };
  if (c.set?.mtaSts) out.mtaSts = { ...(out.mtaSts ?? {}), ...c.set.mtaSts };
  return out;
}

function fillPlaceholders(change: ArgChange, fill: Record<string, string>): ArgChange {
  const replace = (v: unknown): unknown => {
    if (typeof v === "string") return v.replace(PLACEHOLDER, (m, name: string) => fill[name] ?? m);
    if (Array.isArray(v)) return v.map(replace);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
    return v;
  };
  return replace(change) as ArgChange;
}

/** Two changes as one (a sender's DKIM and SPF fixes). */
export function mergeChanges(...changes: (ArgChange | undefined)[]): ArgChange | undefined {
  const list = changes.filter((c): c is ArgChange => c !== undefined);
  if (list.length === 0) return undefined;
  const out: ArgChange = {};
  for (const c of list) {
    if (c.add) {
      out.add ??= {};
      for (const k of ["spfInclude", "spfIp4", "spfIp6"] as const) if (c.add[k]?.length) out.add[k] = [...new Set([...(out.add[k] ?? []), ...c.add[k]!])];
      if (c.add.dkim?.length) out.add.dkim = [...(out.add.dkim ?? []), ...c.add.dkim];
    }
    if (c.set) out.set = { ...(out.set ?? {}), ...c.set };
    if (c.placeholders?.length) out.placeholders = [...(out.placeholders ?? []), ...c.placeholders.filter((p) => !out.placeholders?.some((q) => q.name === p.name))];
  }
  return out;
}
