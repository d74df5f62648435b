/**
 * The component's DMARC arguments, their validation with field paths (`dmarc.rua[1]`), and the
 * builder of the record model. Arguments also arrive from YAML and other languages as plain values
 * (enums as strings, numbers as strings sometimes), so every type is checked at run time.
 */
import { booleanArg, enumArg, listArg, numberArg, objectArg, textArg, unknownKeys } from "../args-schema";
import { Diagnostic, invalid } from "../diagnostics";
import { Alignment, DmarcPolicy } from "../enums";
import { printable } from "../names";
import { ReportUri, parseReportUri } from "../uris";
import { ALIGNMENTS, DMARC_URI_RULES, DmarcRecord, FAILURE_OPTIONS, MAX_RI, POLICIES, RFC_9989, RFC_GRAMMAR, RFC_TAGS, dedupe } from "./model";
import { validateDmarc } from "./validate";

export interface DmarcArgs {
  /** `p`: what receivers do with mail that fails DMARC. */
  policy: DmarcPolicy;
  /** `sp`: policy for existing subdomains. */
  subdomainPolicy?: DmarcPolicy;
  /** `np`: policy for non-existent subdomains (RFC 9989). */
  nonexistentSubdomainPolicy?: DmarcPolicy;
  /** `pct`: 0–100 (removed by RFC 9989). */
  percent?: number;
  /** `rua`: aggregate report destinations, `mailto:` or `https:` URIs. */
  rua?: string[];
  /** `ruf`: failure report destinations. */
  ruf?: string[];
  /** `adkim`. */
  dkimAlignment?: Alignment;
  /** `aspf`. */
  spfAlignment?: Alignment;
  /** `fo`: from `0`, `1`, `d`, `s`. */
  failureOptions?: string[];
  /** `rf`: `afrf`. */
  reportFormat?: string;
  /** `ri`: seconds. */
  reportInterval?: number;
  /** `t=y` (RFC 9989 testing mode). */
  testing?: boolean;
}

const ARG_TAGS = {
  policy: "p",
  subdomainPolicy: "sp",
  nonexistentSubdomainPolicy: "np",
  percent: "pct",
  rua: "rua",
  ruf: "ruf",
  dkimAlignment: "adkim",
  spfAlignment: "aspf",
  failureOptions: "fo",
  reportFormat: "rf",
  reportInterval: "ri",
  testing: "t",
} as const;
type ArgName = keyof typeof ARG_TAGS;
const ARG_NAMES = Object.keys(ARG_TAGS) as ArgName[];
const TAG_ARGS: Record<string, ArgName> = Object.fromEntries(ARG_NAMES.map((a) => [ARG_TAGS[a], a]));
const REPORT_URIS = { maxItems: 10, why: "receivers must send to two addresses and may stop there (RFC 7489 §6.2)" };

/** The shape of `DmarcArgs`, for the shared argument rule (`../args-schema`); tag names are aliases. */
export const DMARC_ARGS = objectArg<DmarcArgs>(
  {
    policy: enumArg(DmarcPolicy),
    subdomainPolicy: enumArg(DmarcPolicy),
    nonexistentSubdomainPolicy: enumArg(DmarcPolicy),
    percent: numberArg("a whole number from 0 to 100"),
    rua: listArg(textArg(), REPORT_URIS),
    ruf: listArg(textArg(), REPORT_URIS),
    dkimAlignment: enumArg(Alignment),
    spfAlignment: enumArg(Alignment),
    failureOptions: listArg(enumArg(FAILURE_OPTIONS, { numbersAsText: true }), { maxItems: FAILURE_OPTIONS.length, why: "there are four options" }),
    reportFormat: enumArg(["afrf"]),
    reportInterval: numberArg("a whole number of seconds"),
    testing: booleanArg,
  },
  {
    example: '{ policy: reject, rua: ["mailto:dmarc@example.com"] }',
    rfc: RFC_TAGS,
    aliases: TAG_ARGS,
    fromString: (text, key) =>
      /^\s*v\s*=\s*DMARC1/i.test(text)
        ? `The component writes the record from its parts, one argument per tag (${ARG_NAMES.map((a) => `${ARG_TAGS[a]}= → ${a}`).join(", ")}): for example ${key}: { policy: reject, rua: ["mailto:dmarc@example.com"] }.`
        : undefined,
  },
);

/**
 * Validate the DMARC arguments. Errors name the argument (`dmarc.percent`, `dmarc.rua[1]`); when
 * there are none, the record's own warnings and notes (p=none, pct removed by RFC 9989…) follow,
 * with their tag fields mapped to argument paths.
 */
export function validateDmarcArgs(args: DmarcArgs | unknown, field = "dmarc"): Diagnostic[] {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return [invalid("dmarc.invalid-arguments", field, `${field} must be an object such as { policy: "reject", rua: ["mailto:dmarc@example.com"] }.`, RFC_TAGS)];
  }
  const a = args as Record<string, unknown>;
  const out: Diagnostic[] = [];
  out.push(...unknownKeys(a, DMARC_ARGS, field));
  if (a.policy === undefined) {
    out.push(invalid("dmarc.missing-policy", `${field}.policy`, `${field}.policy is required: none (monitor only), quarantine or reject.`, "RFC 7489 §6.3"));
  }
  for (const name of ["policy", "subdomainPolicy", "nonexistentSubdomainPolicy"] as const) {
    out.push(...checkEnum(a[name], `${field}.${name}`, POLICIES, "dmarc.invalid-policy", { None: "none", Quarantine: "quarantine", Reject: "reject" }));
  }
  for (const name of ["dkimAlignment", "spfAlignment"] as const) {
    out.push(...checkEnum(a[name], `${field}.${name}`, ALIGNMENTS, "dmarc.invalid-alignment", { relaxed: "r", strict: "s" }));
  }
  out.push(...checkPercent(a.percent, `${field}.percent`));
  if (a.reportInterval !== undefined && !(Number.isInteger(a.reportInterval) && (a.reportInterval as number) >= 0 && (a.reportInterval as number) <= MAX_RI)) {
    out.push(invalid("dmarc.invalid-ri", `${field}.reportInterval`, `${field}.reportInterval ${printable(JSON.stringify(a.reportInterval) ?? "")} must be a whole number of seconds from 0 to ${MAX_RI} (86400 = daily).`, RFC_TAGS));
  }
  out.push(...checkUriList(a.rua, `${field}.rua`), ...checkUriList(a.ruf, `${field}.ruf`));
  if (a.failureOptions !== undefined) {
    const fo = a.failureOptions;
    if (!Array.isArray(fo) || fo.length === 0) {
      out.push(invalid("dmarc.invalid-fo", `${field}.failureOptions`, `${field}.failureOptions must be a non-empty list of "0", "1", "d", "s".`, RFC_TAGS));
    } else {
      fo.forEach((o, i) => {
        if (!(FAILURE_OPTIONS as readonly string[]).includes(String(o)) || (typeof o !== "string" && typeof o !== "number")) {
          out.push(invalid("dmarc.invalid-fo", `${field}.failureOptions[${i}]`, `${field}.failureOptions[${i}] ${printable(JSON.stringify(o) ?? "")} is not one of "0", "1", "d", "s".`, RFC_TAGS));
        }
      });
    }
  }
  if (a.reportFormat !== undefined && a.reportFormat !== "afrf") {
    out.push(invalid("dmarc.invalid-rf", `${field}.reportFormat`, `${field}.reportFormat ${printable(JSON.stringify(a.reportFormat) ?? "")} is not "afrf", the only failure report format (RFC 9989 removed the tag: you can leave it out).`, RFC_TAGS));
  }
  if (a.testing !== undefined && typeof a.testing !== "boolean") {
    out.push(invalid("dmarc.invalid-t", `${field}.testing`, `${field}.testing must be true or false.`, RFC_9989));
  }
  if (out.some((d) => d.severity === "error")) return dedupe(out);
  const record = validateDmarc(buildDmarc(args as DmarcArgs)).map((d) => ({ ...d, field: argField(d.field, field) }));
  return dedupe([...out, ...record]);
}

/** The record model the component publishes, from validated arguments. */
export function buildDmarc(args: DmarcArgs): DmarcRecord {
  const rec: DmarcRecord = { p: args.policy };
  if (args.subdomainPolicy !== undefined) rec.sp = args.subdomainPolicy;
  if (args.nonexistentSubdomainPolicy !== undefined) rec.np = args.nonexistentSubdomainPolicy;
  if (args.percent !== undefined) rec.pct = args.percent;
  const rua = uris(args.rua);
  if (rua) rec.rua = rua;
  const ruf = uris(args.ruf);
  if (ruf) rec.ruf = ruf;
  if (args.dkimAlignment !== undefined) rec.adkim = args.dkimAlignment;
  if (args.spfAlignment !== undefined) rec.aspf = args.spfAlignment;
  if (args.failureOptions?.length) rec.fo = args.failureOptions.map(String);
  if (args.reportFormat !== undefined) rec.rf = [args.reportFormat];
  if (args.reportInterval !== undefined) rec.ri = args.reportInterval;
  if (args.testing) rec.t = "y";
  return rec;
}

function uris(list: string[] | undefined): ReportUri[] | undefined {
  if (!list?.length) return undefined;
  const parsed = list.map((raw, i) => parseReportUri(String(raw), `rua[${i}]`, DMARC_URI_RULES).uri).filter((u): u is ReportUri => u !== undefined);
  return parsed.length ? parsed : undefined;
}

function checkEnum(value: unknown, at: string, allowed: readonly string[], code: string, aliases: Record<string, string>): Diagnostic[] {
  if (value === undefined || (typeof value === "string" && allowed.includes(value))) return [];
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  const alias = typeof value === "string" ? aliases[value] ?? aliases[value.toLowerCase()] ?? (allowed.includes(value.toLowerCase()) ? value.toLowerCase() : undefined) : undefined;
  const hint = alias ? ` Write "${alias}".` : "";
  return [invalid(code, at, `${at} "${printable(text)}" is not one of ${allowed.map((v) => `"${v}"`).join(", ")}.${hint}`, RFC_TAGS)];
}

function checkPercent(value: unknown, at: string): Diagnostic[] {
  if (value === undefined) return [];
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 100) return [];
  if (typeof value === "string" && /^\s*\d{1,3}(\.\d+)?\s*%\s*$/.test(value)) {
    return [invalid("dmarc.pct-percent-sign", at, `${at} "${printable(value)}" has a "%" sign: give the number alone (${value.replace(/[%\s]/g, "")}).`, RFC_GRAMMAR)];
  }
  return [invalid("dmarc.invalid-pct", at, `${at} ${printable(JSON.stringify(value) ?? String(value))} must be a whole number from 0 to 100 (100 is the default: leave it out).`, RFC_GRAMMAR)];
}

function checkUriList(value: unknown, at: string): Diagnostic[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    const hint = typeof value === "string" ? ` Write it as a list: ["${printable(value)}"].` : "";
    return [invalid("dmarc.invalid-arguments", at, `${at} must be a list of URIs such as ["mailto:dmarc@example.com"].${hint}`, "RFC 7489 §6.2")];
  }
  return value.flatMap((item, i) => {
    const path = `${at}[${i}]`;
    if (typeof item !== "string") {
      return [invalid("dmarc.invalid-uri", path, `${path} must be a string such as "mailto:dmarc@example.com".`, "RFC 7489 §6.2")];
    }
    return parseReportUri(item, path, DMARC_URI_RULES).diagnostics;
  });
}

/** Map a record diagnostic's tag field (`pct`, `rua[1]`) to the argument path (`dmarc.percent`). */
function argField(tagField: string, prefix: string): string {
  const m = /^([a-z]+)(\[\d+\])?$/.exec(tagField);
  const arg = m ? TAG_ARGS[m[1]] : undefined;
  if (!arg) return tagField ? `${prefix}.${tagField}` : prefix;
  return `${prefix}.${arg}${m?.[2] ?? ""}`;
}
