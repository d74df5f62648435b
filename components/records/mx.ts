/**
 * MX records (RFC 1035 §3.3.9): a 16-bit preference and an exchange host name, plus the null MX of
 * RFC 7505 (`0 .`) by which a domain says it accepts no mail.
 *
 * Model: `{ priority, exchange }` with the exchange in the project's normal form (A-labels, lower
 * case, no trailing dot), or `"."` for the null MX. A domain with no MX at all is not an error here:
 * RFC 5321 §5.1 then delivers to the domain's own address (implicit MX), which the live checker
 * examines.
 */
import { listArg, numberArg, objectArg, textArg } from "./args-schema";
import { ABSENT, RecordComparison, RecordDifference, comparison } from "./comparison";
import { Diagnostic, Parsed, invalid, risky, dedupeDiagnostics } from "./diagnostics";
import { fqdn, normalizeName, printable } from "./names";

export interface MxRecord {
  /** Preference, 0–65535; lower is tried first (RFC 1035 §3.3.9, RFC 5321 §5.1). */
  priority: number;
  /** Host name in normal form, or "." for the null MX (RFC 7505 §3). */
  exchange: string;
}

/** The null MX: "this domain accepts no mail" (RFC 7505 §3). */
export const NULL_MX: Readonly<MxRecord> = Object.freeze({ priority: 0, exchange: "." });

/** True when the record's exchange is the root ".", i.e. it is meant as a null MX (RFC 7505 §3). */
export function isNullMx(r: Pick<MxRecord, "exchange">): boolean {
  return r.exchange === ".";
}

/** One MX host of the component's arguments (RFC 5321 §5.1). */
export interface MxHostArgs {
  /** Host name of the mail exchanger; never an IP address. */
  host: string;
  /** Preference 0–65535; lower is tried first. */
  priority: number;
}

/** Structured MX arguments of the component. */
export interface MxArgs {
  mx?: MxHostArgs[];
  /** Publish a null MX (`0 .`, RFC 7505): the domain receives no mail. */
  nullMx?: boolean;
}

const MAX_PRIORITY = 65535;

/** The shape of one MX host, for the shared argument rule (`./args-schema`). */
export const MX_HOST_ARGS = objectArg<MxHostArgs>(
  { host: textArg(), priority: numberArg("a whole number from 0 to 65535") },
  { example: '{ host: "mx1.example.com", priority: 10 }', rfc: "RFC 1035 §3.3.9" },
);

/** The `mx` list. Senders try the hosts in preference order and give up after a few (RFC 5321 §5.1). */
export const MX_LIST_ARGS = listArg(MX_HOST_ARGS, {
  maxItems: 50,
  why: "senders try only the first few hosts",
  fromString: (text, key) => {
    const m = /^\s*(\d{1,5})\s+(\S+?)\.?\s*$/.exec(text);
    const host = m ? m[2] : text.trim().replace(/\.$/, "");
    return `Give it as a list of hosts: ${key}: [{ host: ${JSON.stringify(host.slice(0, 60))}, priority: ${m ? m[1] : 10} }].`;
  },
});

/** `10 mx1.example.com.` (trailing dot); the null MX renders as `0 .`. */
export function renderMx(r: MxRecord): string {
  return `${r.priority} ${isNullMx(r) ? "." : fqdn(r.exchange)}`;
}

/**
 * Parse MX rdata in presentation form, `10 mx1.example.com.` (the trailing dot may be missing: the
 * name is then taken as fully qualified). Never throws; invalid parts are left out of the model.
 */
export function parseMx(text: string): Parsed<Partial<MxRecord>> {
  const diagnostics: Diagnostic[] = [];
  const model: Partial<MxRecord> = {};
  const parts = text.trim().split(/[ \t\r\n]+/).filter((p) => p !== "");
  if (parts.length !== 2) {
    diagnostics.push(
      invalid("mx.syntax", "mx", `MX data "${printable(text).slice(0, 80)}" is not "<preference> <host name>": write it like "10 mx1.example.com.".`, "RFC 1035 §3.3.9"),
    );
    if (parts.length < 2) return { model, diagnostics };
  }
  const [pref, exchange] = parts;
  if (/^\d+$/.test(pref)) {
    const n = Number(pref);
    if (n <= MAX_PRIORITY) model.priority = n;
    else diagnostics.push(priorityRange("priority", pref));
  } else {
    diagnostics.push(invalid("mx.priority-syntax", "priority", `MX preference "${printable(pref)}" is not a whole number: write a number from 0 to 65535 before the host name.`, "RFC 1035 §3.3.9"));
  }
  const ex = checkExchange(exchange, "exchange");
  if (ex.name !== undefined) model.exchange = ex.name;
  diagnostics.push(...ex.diagnostics);
  if (model.priority !== undefined && model.exchange !== undefined) diagnostics.push(...validateMx(model as MxRecord, ""));
  return { model, diagnostics: dedupeDiagnostics(diagnostics) };
}

/** Check one MX record: preference range, exchange host name, null MX preference. */
export function validateMx(r: MxRecord, field = "mx"): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const at = (sub: string) => (field ? `${field}.${sub}` : sub);
  if (!Number.isInteger(r.priority) || r.priority < 0 || r.priority > MAX_PRIORITY) {
    diagnostics.push(priorityRange(at("priority"), String(r.priority)));
  }
  if (isNullMx(r)) {
    if (r.priority !== 0) {
      diagnostics.push(
        invalid("mx.null-mx-priority", at("priority"), `the null MX "${r.priority} ." must have preference 0: publish exactly "0 .".`, "RFC 7505 §3"),
      );
    }
  } else {
    diagnostics.push(...checkExchange(r.exchange, at("exchange")).diagnostics);
  }
  return diagnostics;
}

/**
 * Check the whole MX set of one owner name: every record, a null MX standing alone (RFC 7505 §3),
 * duplicate exchanges. An empty set is fine here (implicit MX, RFC 5321 §5.1).
 */
export function validateMxSet(records: readonly MxRecord[], field = "mx"): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  records.forEach((r, i) => diagnostics.push(...validateMx(r, `${field}[${i}]`)));
  if (records.length > 1 && records.some(isNullMx)) {
    diagnostics.push(
      invalid(
        "mx.null-mx-mixed",
        field,
        `a null MX ("0 .") says the domain accepts no mail, yet ${records.length - 1} other MX record(s) sit beside it: keep only the null MX, or remove it to receive mail.`,
        "RFC 7505 §3",
      ),
    );
  }
  const seen = new Map<string, number>();
  records.forEach((r, i) => {
    if (isNullMx(r)) return;
    const first = seen.get(r.exchange);
    if (first === undefined) seen.set(r.exchange, i);
    else diagnostics.push(duplicateExchange(`${field}[${i}]`, r.exchange, `${field}[${first}]`));
  });
  return dedupeDiagnostics(diagnostics);
}

/**
 * An MX exchange that is an alias (its name has a CNAME record). RFC 2181 §10.3: the name in an MX record "must not
 * be an alias"; RFC 5321 §5.1: the exchange, when queried, must return address records, and "a value that will
 * return a CNAME record when queried lies outside the scope of this Standard". Many MTAs follow the alias anyway;
 * those that do not defer or bounce the mail, so this breaks the standard even where mail still flows. `chain` is
 * the CNAME chain from the exchange (the first target first).
 */
export function mxHostIsAlias(exchange: string, chain: readonly string[], field = "mx"): Diagnostic {
  const target = chain[chain.length - 1];
  const via = chain.length > 1 ? ` (through ${chain.slice(0, -1).join(" → ")})` : "";
  return invalid(
    "mx.host-cname",
    field,
    `MX host ${exchange} is an alias (CNAME → ${target}${via}): an MX must name the mail server's own host name, not an alias. Most senders follow the alias, but those that keep to the standard defer or bounce the mail. Point the MX at ${target} (or give ${exchange} its own A/AAAA records instead of the CNAME).`,
    "RFC 2181 §10.3; RFC 5321 §5.1",
  );
}

/**
 * Two MX sets compared by what a sender does with them (RFC 5321 §5.1): it tries the hosts in order of
 * preference, hosts of equal preference in random order. So the meaning is the sequence of preference tiers, each a
 * set of hosts; the numbers themselves do not matter ("10 a, 20 b" is "5 a, 50 b"). A null MX means "no mail".
 */
export function compareMxSets(expected: readonly MxRecord[], actual: readonly MxRecord[]): RecordComparison {
  const tiers = (set: readonly MxRecord[]) => {
    const byPriority = new Map<number, Set<string>>();
    for (const r of set) {
      const host = isNullMx(r) ? "." : r.exchange.toLowerCase().replace(/\.$/, "");
      byPriority.set(r.priority, (byPriority.get(r.priority) ?? new Set()).add(host));
    }
    return [...byPriority].sort((x, y) => x[0] - y[0]).map(([, hosts]) => [...hosts].sort());
  };
  const e = tiers(expected);
  const a = tiers(actual);
  const text = (t: string[][]) => t.map((hosts) => hosts.join(" = ")).join(", then ") || "(none)";
  const rank = (t: string[][]) => new Map(t.flatMap((hosts, i) => hosts.map((h) => [h, i] as const)));
  const er = rank(e);
  const ar = rank(a);
  const differences: RecordDifference[] = [];
  const show = (h: string) => (h === "." ? 'the null MX ("0 .")' : h);
  for (const [host] of er) if (!ar.has(host)) differences.push({ field: host, expected: host, actual: ABSENT, message: `${show(host)} is in the plan but not served: ${host === "." ? "live DNS accepts mail the plan refuses" : "senders no longer deliver to it"}` });
  for (const [host] of ar) if (!er.has(host)) differences.push({ field: host, expected: ABSENT, actual: host, message: `live DNS has ${show(host)}, the plan does not: ${host === "." ? "the domain refuses all mail" : "senders may deliver to a host the plan does not know"}` });
  if (differences.length === 0 && text(e) !== text(a)) {
    differences.push({ field: "order", expected: text(e), actual: text(a), message: "the same hosts in another order of preference: senders try them in a different order" });
  }
  const numbers = (set: readonly MxRecord[]) => [...set].map((r) => `${r.priority} ${r.exchange}`).sort().join(", ");
  return comparison(differences, differences.length === 0 && numbers(expected) !== numbers(actual) ? ["other preference numbers in the same order"] : []);
}

/** Check the component's `mx` / `nullMx` arguments; field paths like `mx[0].host`, `mx[1].priority`. */
export function validateMxArgs(args: MxArgs, field = "mx"): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const { mx, nullMx } = args ?? {};
  const nullField = sibling(field, "nullMx");
  if (nullMx !== undefined && typeof nullMx !== "boolean") {
    diagnostics.push(invalid("mx.args", nullField, `${nullField} must be true or false.`, "RFC 7505 §3"));
  }
  if (mx === undefined || mx === null) return diagnostics;
  if (!Array.isArray(mx)) {
    diagnostics.push(invalid("mx.args", field, `${field} must be a list of { host, priority } entries.`, "RFC 1035 §3.3.9"));
    return diagnostics;
  }
  if (nullMx === true && mx.length > 0) {
    diagnostics.push(
      invalid(
        "mx.null-mx-mixed",
        nullField,
        `${nullField} is true (the domain accepts no mail) but ${field} also lists ${mx.length} mail server(s): give either ${nullField}: true or ${field}, not both.`,
        "RFC 7505 §3",
      ),
    );
  }
  const seen = new Map<string, number>();
  mx.forEach((entry, i) => {
    const at = `${field}[${i}]`;
    if (entry === null || typeof entry !== "object") {
      diagnostics.push(invalid("mx.args", at, `${at} must be an object { host, priority }.`, "RFC 1035 §3.3.9"));
      return;
    }
    const { host, priority } = entry;
    if (typeof priority !== "number" || !Number.isInteger(priority)) {
      diagnostics.push(invalid("mx.priority-syntax", `${at}.priority`, `${at}.priority must be a whole number from 0 to 65535 (lower is tried first), not ${printable(String(priority))}.`, "RFC 1035 §3.3.9"));
    } else if (priority < 0 || priority > MAX_PRIORITY) {
      diagnostics.push(priorityRange(`${at}.priority`, String(priority)));
    }
    if (typeof host !== "string") {
      diagnostics.push(invalid("mx.args", `${at}.host`, `${at}.host must be a host name such as mx1.example.com.`, "RFC 1035 §3.3.9"));
      return;
    }
    if (host.trim() === ".") {
      diagnostics.push(
        invalid("mx.null-mx-in-list", `${at}.host`, `${at}.host is "." (a null MX): set ${nullField}: true instead of listing it, and list no other MX.`, "RFC 7505 §3"),
      );
      return;
    }
    const ex = checkExchange(host, `${at}.host`);
    diagnostics.push(...ex.diagnostics);
    if (ex.name === undefined) return;
    const first = seen.get(ex.name);
    if (first === undefined) seen.set(ex.name, i);
    else diagnostics.push(duplicateExchange(`${at}.host`, ex.name, `${field}[${first}].host`));
  });
  return diagnostics;
}

/**
 * The MX records the arguments describe, in canonical order (priority, then host) so that the
 * same declaration always yields byte-identical records. Exact duplicates collapse into one (a DNS
 * record set cannot hold the same record twice). Call `validateMxArgs` first.
 */
export function buildMx(args: MxArgs): MxRecord[] {
  if (args?.nullMx === true) return [{ ...NULL_MX }];
  const records = (args?.mx ?? []).map((e) => ({ priority: e.priority, exchange: normalizeName(e.host, "host", { hostname: true }).name }));
  records.sort((a, b) => a.priority - b.priority || (a.exchange < b.exchange ? -1 : a.exchange > b.exchange ? 1 : 0));
  return records.filter((r, i) => i === 0 || r.priority !== records[i - 1].priority || r.exchange !== records[i - 1].exchange);
}

/** Normalize an exchange host name; an IP address gets its own code (RFC 5321 §5.1). */
function checkExchange(raw: string, field: string): { name?: string; diagnostics: Diagnostic[] } {
  if (raw === ".") return { name: ".", diagnostics: [] };
  const n = normalizeName(raw, field, { hostname: true });
  const diagnostics: Diagnostic[] = [];
  for (const d of n.diagnostics) {
    if (d.code === "name.ip-literal") {
      diagnostics.push(
        invalid(
          "mx.ip-literal",
          field,
          `MX host "${printable(raw)}" is an IP address; an MX must name a host that has A/AAAA records: create e.g. mail.example.com pointing to ${printable(raw)} and use that name.`,
          "RFC 1035 §3.3.9; RFC 5321 §5.1",
        ),
      );
    } else diagnostics.push(d);
  }
  if (diagnostics.length) return { diagnostics };
  if (!n.name.includes(".")) {
    diagnostics.push(
      risky(
        "mx.single-label",
        "warning",
        field,
        `MX host "${printable(raw)}" is a single label: SMTP needs a fully qualified name (and in a zone file a name without a trailing dot is relative to the zone): write the full name, e.g. ${n.name}.example.com.`,
        "RFC 5321 §2.3.5",
      ),
    );
  }
  return { name: n.name, diagnostics };
}

function priorityRange(field: string, value: string): Diagnostic {
  return invalid("mx.priority-range", field, `MX preference ${printable(value)} is outside 0–65535 (a 16-bit number): use a value such as 10 or 20.`, "RFC 1035 §3.3.9");
}

function duplicateExchange(field: string, exchange: string, firstField: string): Diagnostic {
  return risky("mx.duplicate-exchange", "warning", field, `MX host ${exchange} is listed more than once (first at ${firstField}): list each mail server once, with one preference.`, "RFC 5321 §5.1");
}

/** `mx` → `nullMx`, `mail.mx` → `mail.nullMx`: the argument beside `field`. */
function sibling(field: string, name: string): string {
  const dot = field.lastIndexOf(".");
  return dot < 0 ? name : `${field.slice(0, dot)}.${name}`;
}

