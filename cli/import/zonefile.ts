/**
 * Reading a BIND-format master file (RFC 1035 §5, with the `$TTL` of RFC 2308 §4 and BIND's TTL
 * units): what cPanel, VestaCP/HestiaCP, Plesk and registrars export.
 *
 * Written by hand, on purpose. The two npm parsers were tried on this project's cPanel, VestaCP
 * and BIND fixtures (test/fixtures/zones/) and both lose mail records:
 * - `zone-file` 1.0.0 cuts every TXT value at its first `;` (`"v=DKIM1; k=rsa; p=…"` becomes
 *   `v=DKIM1`, `"v=DMARC1; p=none"` becomes `v=DMARC1`), keeps only the first string of a split
 *   DKIM key, takes `IN` for the owner of indented lines, reads `$TTL 1h` as 1 and leaves `\126`
 *   escapes undecoded;
 * - `dns-zonefile` 0.3.2 returns a TXT split over lines in parentheses as `"("` (the Google DKIM
 *   key is gone), ignores every `$ORIGIN` after the first, so the indented SPF of a MAIL FROM
 *   subdomain is given to the wrong owner, reads `2h` as 2, silently drops types it does not know
 *   (CAA, SRV, SPF) and has no line numbers or error reporting at all.
 * The grammar is short (tokens, quotes with `\X`/`\DDD` escapes, parentheses, comments, an optional
 * owner, TTL and class in either order); what is subtle is reporting, never throwing, and keeping
 * every record's line number, which neither library does. TXT strings are decoded later by the
 * core's `parseTxtRdata`, so the escape rules live in one place.
 *
 * Never throws on user input: a malformed line is a `zone.…` finding with its line number, and the
 * line is skipped. Findings say which line failed and why, never what it holds beyond a short
 * token: a file pulled in by `$INCLUDE` may be anything (`/etc/passwd`, a private key), and
 * findings end up in CI logs. An included file that is not a zone file at all is not read.
 *
 * Bounded: the scan is linear in the text (zone-lexer.ts), each finding code is listed at most
 * `FindingBudget` times and counted beyond, and `$INCLUDE` is limited in depth, in the number of
 * files and in their total size (`IncludeLimits`), so a 10-way fan-out seven levels deep stops
 * after the budget, not after 10⁷ reads.
 */
import * as path from "node:path";
import { FindingBudget, ImportFinding, finding } from "./findings";
import { forEachLogicalLine, LogicalLine, NO_FINDINGS, Token } from "./zone-lexer";

/** One resource record as read from the file. */
export interface ZoneRecord {
  file: string;
  /** 1-based line where the record starts. */
  line: number;
  /** Absolute owner name, lower case, without the trailing dot ("" is the root). */
  owner: string;
  ttl: number;
  /** Upper-case mnemonic (`MX`, `TXT`) or `TYPEnnn`. */
  type: string;
  /** The rdata tokens as written (quotes and escapes kept; parentheses and comments removed). */
  rdata: string[];
  /** The `$ORIGIN` in effect at the record, for relative names inside its rdata. */
  origin: string;
}

export interface ZoneFile {
  /**
   * The zone's apex: the owner of its SOA record, else `--origin`, else the first `$ORIGIN`, else
   * the name the file is named after. Undefined when none is known (a usage error).
   */
  apex?: string;
  /** How the apex was found. */
  apexSource?: "SOA" | "option" | "$ORIGIN" | "file name";
  records: ZoneRecord[];
  findings: ImportFinding[];
  /** True when a relative name appeared and no origin was known: the caller asks for `--origin`. */
  missingOrigin: boolean;
  /** False when no line has a record type or a directive: not a master file at all (JSON, CSV…). */
  looksLikeZone: boolean;
}

export interface IncludedFile {
  /** The name to show in findings. */
  file: string;
  /** The file's identity for loop detection (its real path); default `file`. */
  id?: string;
  text: string;
  /** What reading it found (bytes that are not UTF-8), reported only when it is read as a zone file. */
  findings?: ImportFinding[];
}

/** What `$INCLUDE` may read, in total over one zone. */
export interface IncludeLimits {
  /** Included files read (a file included twice counts twice). */
  maxFiles: number;
  /** Characters of all included files together. */
  maxBytes: number;
}

export const DEFAULT_INCLUDE_LIMITS: IncludeLimits = { maxFiles: 256, maxBytes: 64 * 1024 * 1024 };

export interface ReadOptions {
  /** The initial origin (`--origin`); `$ORIGIN` lines in the file override it from where they stand. */
  origin?: string;
  /** The file name shown in findings. */
  file?: string;
  /**
   * Reads a `$INCLUDE`d file named in `fromFile`, of at most `maxBytes` characters (the rest of the
   * budget); returns an error message when it cannot or may not. Without it `$INCLUDE` is refused
   * with a finding.
   */
  include?: (name: string, fromFile: string, maxBytes: number) => IncludedFile | { error: string };
  /** Default `DEFAULT_INCLUDE_LIMITS`. */
  includeLimits?: IncludeLimits;
}

const RFC_MASTER = "RFC 1035 §5.1";
const MAX_INCLUDE_DEPTH = 8;
/** RFC 2181 §8: TTLs are 31-bit; larger values are treated as zero by resolvers. */
const MAX_TTL = 2147483647;
const DEFAULT_TTL = 3600;

/**
 * Record types a zone file may hold. Only the mail types are interpreted; the others are known so
 * that a line is read as owner/TTL/class/type correctly and reported as left out.
 */
const TYPES = new Set(
  (
    "A AAAA AFSDB ALIAS ANAME APL CAA CDNSKEY CDS CERT CNAME CSYNC DHCID DLV DNAME DNSKEY DS EUI48 EUI64 HINFO HIP HTTPS " +
    "IPSECKEY KEY KX LOC MB MD MF MG MINFO MR MX NAPTR NINFO NS NSAP NSEC NSEC3 NSEC3PARAM NULL NXT OPENPGPKEY PTR RP " +
    "RRSIG RT SIG SMIMEA SOA SPF SRV SSHFP SVCB TA TKEY TLSA TSIG TXT URI WKS X25 ZONEMD"
  ).split(" "),
);
const CLASSES = /^(?:IN|CH|CS|HS|CLASS\d+)$/i;
const TTL = /^(?:\d+|(?:\d+[wdhms])+)$/i;
const TTL_UNITS: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };

export function isRecordType(token: string): boolean {
  return TYPES.has(token.toUpperCase()) || /^TYPE\d+$/i.test(token);
}

/** A TTL in seconds (`3600`, `1h30m`, `2w`), or undefined when the text is not one. */
export function parseTtl(token: string): number | undefined {
  if (!TTL.test(token)) return undefined;
  if (/^\d+$/.test(token)) return Number(token);
  let total = 0;
  for (const m of token.matchAll(/(\d+)([wdhms])/gi)) total += Number(m[1]) * TTL_UNITS[m[2].toLowerCase()];
  return total;
}

/**
 * Resolve a domain name as written in a master file against the origin in effect: `@` is the
 * origin, a name ending in an unescaped `.` is absolute, anything else is relative. `\DDD` and `\X`
 * escapes are decoded; an escaped dot (a dot inside a label) cannot be represented and is an error.
 * The result is lower case, without the trailing dot.
 */
export function resolveName(token: string, origin: string | undefined): { name?: string; error?: string } {
  if (token === "@") {
    return origin === undefined ? { error: "no-origin" } : { name: origin };
  }
  if (token === ".") return { name: "" };
  let text = "";
  let absolute = false;
  for (let i = 0; i < token.length; i++) {
    const c = token[i];
    if (c === "\\") {
      const ddd = /^\d{3}/.exec(token.slice(i + 1, i + 4));
      const ch = ddd ? String.fromCharCode(Number(ddd[0])) : token[i + 1];
      if (ch === undefined || (ddd && Number(ddd[0]) > 255)) return { error: `"${shorten(token, 60)}" has an invalid escape` };
      if (ch === ".") return { error: `"${shorten(token, 60)}" has an escaped dot (a dot inside a label), which no mail name uses` };
      text += ch;
      i += ddd ? 3 : 1;
      continue;
    }
    if (c === "." && i === token.length - 1) {
      absolute = true;
      break;
    }
    text += c;
  }
  if (text === "" || text.startsWith(".") || text.includes("..")) return { error: `"${shorten(token, 60)}" has an empty label` };
  if (absolute) return { name: text.toLowerCase() };
  if (origin === undefined) return { error: "no-origin" };
  return { name: (origin === "" ? text : `${text}.${origin}`).toLowerCase() };
}

/** A zone file named after its domain (`example.com.db`, `example.com.zone`, `db.example.com`). */
export function originFromFileName(file: string): string | undefined {
  const stem = path
    .basename(file)
    .replace(/\.(?:db|zone|hosts|txt|dns|bind)$/i, "")
    .replace(/^db\./i, "")
    .toLowerCase();
  return /^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9])?\.)+[a-z](?:[a-z0-9-]*[a-z0-9])?$/.test(stem) ? stem : undefined;
}

// ------------------------------------------------------------------------------------------------
// Directives and records

interface State {
  origin?: string;
  /** `$TTL` (RFC 2308 §4). */
  defaultTtl?: number;
  lastTtl?: number;
  soaMinimum?: number;
  previousOwner?: string;
  /** Warned once per file that a TTL had to be guessed. */
  warnedNoTtl: boolean;
}

interface Context {
  options: ReadOptions;
  records: ZoneRecord[];
  findings: FindingBudget;
  missingOrigin: boolean;
  firstOrigin?: string;
  soaOwner?: string;
  /** The origin the file name suggests, used only when a relative name needs one. */
  fileOrigin?: string;
  usedFileOrigin: boolean;
  includeStack: string[];
  limits: IncludeLimits;
  includedFiles: number;
  includedBytes: number;
  /** The finding reported when the include budget ran out, and the `$INCLUDE` lines not followed. */
  budgetExhausted?: { finding: ImportFinding; skipped: number };
}

/** Read a master file. Never throws on the file's content. */
export function readZoneFile(text: string, options: ReadOptions = {}): ZoneFile {
  const file = options.file ?? "zone";
  const ctx: Context = {
    options,
    records: [],
    findings: new FindingBudget(),
    missingOrigin: false,
    usedFileOrigin: false,
    includeStack: [file],
    limits: options.includeLimits ?? DEFAULT_INCLUDE_LIMITS,
    includedFiles: 0,
    includedBytes: 0,
  };
  const initial = options.origin !== undefined ? normalizeOrigin(options.origin) : undefined;
  if (options.origin !== undefined && initial === undefined) {
    ctx.findings.push(finding("zone.bad-origin", "error", `--origin "${shorten(options.origin, 60)}" is not a domain name: pass --origin with the domain the zone file is for, e.g. --origin example.com.`, {}, RFC_MASTER));
    ctx.missingOrigin = true;
  }
  // A first pass only looks (is it a zone, where is its SOA); the second reads and reports.
  const survey = surveyLines(text, file);
  const looksLikeZone = survey.zoneLines > 0;
  const soaOrigin = initial === undefined ? survey.soaOwner : undefined;
  ctx.fileOrigin = initial === undefined && soaOrigin === undefined && options.file ? originFromFileName(options.file) : undefined;
  const state: State = { origin: initial ?? soaOrigin, warnedNoTtl: false };
  readLines(text, file, state, ctx);

  let apex: string | undefined;
  let apexSource: ZoneFile["apexSource"];
  if (ctx.soaOwner !== undefined) [apex, apexSource] = [ctx.soaOwner, "SOA"];
  else if (initial !== undefined) [apex, apexSource] = [initial, "option"];
  else if (ctx.firstOrigin !== undefined) [apex, apexSource] = [ctx.firstOrigin, "$ORIGIN"];
  else if (ctx.fileOrigin !== undefined) [apex, apexSource] = [ctx.fileOrigin, "file name"];
  if (initial !== undefined && ctx.soaOwner !== undefined && initial !== ctx.soaOwner) {
    ctx.findings.push(
      finding("zone.origin-mismatch", "warning", `--origin is ${initial} but the zone's SOA record is at ${ctx.soaOwner}: the SOA owner is taken as the zone apex. Check that this is the zone you meant.`, { file }, RFC_MASTER),
    );
  }
  if (ctx.usedFileOrigin) {
    ctx.findings.push(finding("zone.origin-from-file-name", "info", `the file has no $ORIGIN and no absolute SOA owner: the origin ${ctx.fileOrigin} was taken from the file name. Pass --origin to choose another.`, { file }, RFC_MASTER));
  }
  if (ctx.budgetExhausted && ctx.budgetExhausted.skipped > 1) {
    ctx.budgetExhausted.finding.message += ` ${ctx.budgetExhausted.skipped.toLocaleString("en-US")} $INCLUDE lines were not followed in all.`;
  }
  // The apex needs an origin too when nothing in the file was relative (all names absolute).
  if (apex === undefined && ctx.records.length > 0) ctx.missingOrigin = true;
  return { apex, apexSource, records: ctx.records, findings: ctx.findings.list(), missingOrigin: ctx.missingOrigin, looksLikeZone };
}

/** A line that only a master file has: a directive, or a record type among its first fields. */
function isZoneLine(l: LogicalLine): boolean {
  return !l.broken && (/^\$(?:ORIGIN|TTL|INCLUDE|GENERATE)$/i.test(l.tokens[0].text) || l.tokens.slice(0, 5).some((t) => !t.quoted && isRecordType(t.text)));
}

interface Survey {
  lines: number;
  zoneLines: number;
  /** cPanel exports have no `$ORIGIN` but give the SOA owner as an absolute name. */
  soaOwner?: string;
}

/** A look at the whole text without reporting anything: how much of it is a zone, and its SOA owner. */
function surveyLines(text: string, file: string): Survey {
  const survey: Survey = { lines: 0, zoneLines: 0 };
  let soaDecided = false;
  forEachLogicalLine(text, file, NO_FINDINGS, (l) => {
    survey.lines++;
    if (isZoneLine(l)) survey.zoneLines++;
    if (soaDecided || l.broken || l.blankOwner || l.tokens.length < 2) return;
    const first = l.tokens[0].text;
    if (first.startsWith("$")) {
      // The file sets its own origin before any SOA: the SOA owner is not needed.
      if (first.toUpperCase() === "$ORIGIN") soaDecided = true;
      return;
    }
    if (!l.tokens.slice(1, 4).some((t) => !t.quoted && t.text.toUpperCase() === "SOA")) return;
    soaDecided = true;
    if (first.endsWith(".") && first !== ".") survey.soaOwner = resolveName(first, undefined).name;
  });
  return survey;
}

/**
 * An included file is read only when it is a zone file: at least half of its lines are records or
 * directives. Anything else (`/etc/passwd`, a key, a log) is neither read nor shown.
 */
function mostlyZone(survey: Survey): boolean {
  return survey.lines === 0 || (survey.zoneLines > 0 && survey.zoneLines * 2 >= survey.lines);
}

/** A token shown in a message only when it is short and plain (a mistyped type or directive), never file content. */
function shownToken(token: string): string | undefined {
  return /^[A-Za-z0-9$_-]{1,16}$/.test(token) ? `"${token}"` : undefined;
}

function normalizeOrigin(origin: string): string | undefined {
  const t = origin.trim();
  if (t === "" || t === ".") return undefined;
  const r = resolveName(t.endsWith(".") ? t : `${t}.`, "");
  return r.name;
}

function readLines(text: string, file: string, state: State, ctx: Context): void {
  forEachLogicalLine(text, file, ctx.findings, (l) => {
    if (l.broken) return;
    const place = { file, line: l.line };
    const first = l.tokens[0];
    if (!l.blankOwner && !first.quoted && first.text.startsWith("$")) directive(l, file, state, ctx);
    else record(l, place, state, ctx);
  });
}

function directive(l: LogicalLine, file: string, state: State, ctx: Context): void {
  const place = { file, line: l.line };
  const [head, ...args] = l.tokens;
  const name = head.text.toUpperCase();
  switch (name) {
    case "$ORIGIN": {
      if (args.length !== 1 || args[0].quoted) {
        ctx.findings.push(finding("zone.syntax", "error", `$ORIGIN takes one domain name, e.g. "$ORIGIN example.com.".`, place, RFC_MASTER));
        return;
      }
      const r = resolveOrReport(args[0].text, state, place, ctx, "$ORIGIN");
      if (r === undefined) return;
      if (!args[0].text.endsWith(".")) {
        ctx.findings.push(finding("zone.relative-origin", "warning", `$ORIGIN ${args[0].text} has no trailing dot, so it is relative to the previous origin and means ${r}. Write "$ORIGIN ${r}." if that is what you meant.`, place, RFC_MASTER));
      }
      state.origin = r;
      ctx.firstOrigin ??= r;
      return;
    }
    case "$TTL": {
      const ttl = args.length === 1 ? parseTtl(args[0].text) : undefined;
      if (ttl === undefined) {
        const given = args.length === 1 ? shownToken(args[0].text) : undefined;
        ctx.findings.push(
          finding("zone.bad-ttl", "error", `$TTL takes one TTL in seconds (or with units, e.g. 1h, 1d), but ${args.length === 1 ? `${given ?? "its value"} is not one` : `it has ${args.length} values`}: the line is ignored.`, place, "RFC 2308 §4"),
        );
        return;
      }
      state.defaultTtl = checkTtlRange(ttl, place, ctx);
      return;
    }
    case "$INCLUDE":
      include(args, place, state, ctx);
      return;
    case "$GENERATE":
      ctx.findings.push(
        finding("zone.generate", "warning", `$GENERATE (a BIND extension) is not expanded: the records it would generate are left out. They are never mail records in panel exports; expand it by hand if they are.`, place, "BIND 9 $GENERATE"),
      );
      return;
    default:
      ctx.findings.push(finding("zone.unknown-directive", "error", `unknown directive ${shownToken(head.text) ?? "(a word starting with $)"}: master files know $ORIGIN, $INCLUDE and $TTL. The line is skipped.`, place, RFC_MASTER));
  }
}

function include(args: Token[], place: { file: string; line: number }, state: State, ctx: Context): void {
  if (args.length < 1 || args.length > 2) {
    ctx.findings.push(finding("zone.syntax", "error", `$INCLUDE takes a file name and an optional origin, e.g. "$INCLUDE keys.zone example.com.".`, place, RFC_MASTER));
    return;
  }
  const reader = ctx.options.include;
  const name = args[0].quoted ? args[0].text.slice(1, -1) : args[0].text;
  if (!reader) {
    ctx.findings.push(finding("zone.include", "error", `$INCLUDE ${name} is not followed here: import the included file's records by adding them to this file.`, place, RFC_MASTER));
    return;
  }
  if (ctx.includeStack.length > MAX_INCLUDE_DEPTH) {
    ctx.findings.push(finding("zone.include", "error", `$INCLUDE ${name}: more than ${MAX_INCLUDE_DEPTH} nested includes; the file is not read.`, place, RFC_MASTER));
    return;
  }
  if (ctx.budgetExhausted) {
    ctx.budgetExhausted.skipped++;
    return;
  }
  const { maxFiles, maxBytes } = ctx.limits;
  if (ctx.includedFiles >= maxFiles || ctx.includedBytes >= maxBytes) {
    const what = ctx.includedFiles >= maxFiles ? `${maxFiles} included files` : `${maxBytes.toLocaleString("en-US")} characters of included files`;
    const f = finding("zone.include", "error", `$INCLUDE ${name}: the zone has already read ${what}, the most one import reads; this and every later $INCLUDE is not followed, so records are missing. Merge the included files, or import the parts one by one.`, place, RFC_MASTER);
    ctx.budgetExhausted = { finding: f, skipped: 1 };
    ctx.findings.push(f);
    return;
  }
  let origin = state.origin;
  if (args[1]) {
    const r = resolveOrReport(args[1].text, state, place, ctx, "$INCLUDE origin");
    if (r === undefined) return;
    origin = r;
  }
  ctx.includedFiles++;
  const got = reader(name, place.file, maxBytes - ctx.includedBytes);
  if ("error" in got) {
    ctx.findings.push(finding("zone.include", "error", `$INCLUDE ${name}: ${got.error}. Its records are not imported.`, place, RFC_MASTER));
    return;
  }
  ctx.includedBytes += got.text.length;
  const id = got.id ?? got.file;
  if (ctx.includeStack.includes(id)) {
    ctx.findings.push(finding("zone.include", "error", `$INCLUDE ${name} includes a file that is already being read (${[...ctx.includeStack, id].join(" → ")}): the loop is not followed.`, place, RFC_MASTER));
    return;
  }
  const survey = surveyLines(got.text, got.file);
  if (!mostlyZone(survey)) {
    ctx.findings.push(
      finding(
        "zone.include",
        "error",
        `$INCLUDE ${name}: ${got.file} is not a zone file (${survey.zoneLines} of its ${survey.lines} lines are records or directives): nothing is read from it, and its content is not shown. Include only zone files.`,
        place,
        RFC_MASTER,
      ),
    );
    return;
  }
  ctx.findings.push(...(got.findings ?? []));
  // RFC 1035 §5.1: the included file's $ORIGIN does not change the including file's origin.
  const saved = { origin: state.origin, previousOwner: state.previousOwner };
  state.origin = origin;
  ctx.includeStack.push(id);
  readLines(got.text, got.file, state, ctx);
  ctx.includeStack.pop();
  state.origin = saved.origin;
  state.previousOwner = saved.previousOwner;
}

function resolveOrReport(token: string, state: State, place: { file: string; line: number }, ctx: Context, what: string): string | undefined {
  let r = resolveName(token, state.origin);
  if (r.error === "no-origin" && ctx.fileOrigin !== undefined) {
    state.origin = ctx.fileOrigin;
    ctx.usedFileOrigin = true;
    r = resolveName(token, state.origin);
  }
  if (r.error === "no-origin") {
    if (!ctx.missingOrigin) {
      ctx.findings.push(
        finding("zone.no-origin", "error", `${what} "${shorten(token, 60)}" is relative, but the file has no $ORIGIN before it and no absolute SOA owner, so the zone's origin is unknown: pass --origin with the domain the zone file is for, e.g. --origin example.com.`, place, RFC_MASTER),
      );
    }
    ctx.missingOrigin = true;
    return undefined;
  }
  if (r.error !== undefined || r.name === undefined) {
    ctx.findings.push(finding("zone.bad-name", "error", `${what} ${r.error ?? `"${shorten(token, 60)}" is not a domain name`}: the line is skipped.`, place, RFC_MASTER));
    return undefined;
  }
  return r.name;
}

function checkTtlRange(ttl: number, place: { file: string; line: number }, ctx: Context): number {
  if (ttl <= MAX_TTL) return ttl;
  ctx.findings.push(finding("zone.bad-ttl", "warning", `TTL ${ttl} is above ${MAX_TTL}; resolvers treat it as 0. ${DEFAULT_TTL} is used instead.`, place, "RFC 2181 §8"));
  return DEFAULT_TTL;
}

function record(l: LogicalLine, place: { file: string; line: number }, state: State, ctx: Context): void {
  const t = l.tokens;
  let i = 0;
  let owner: string | undefined;
  if (l.blankOwner) {
    owner = state.previousOwner;
    if (owner === undefined) {
      ctx.findings.push(finding("zone.no-owner", "error", `the line starts with a space, which repeats the previous record's owner, but there is no previous record: write the owner name (or @) at the start of the line.`, place, RFC_MASTER));
      return;
    }
  } else {
    const ownerToken = t[0];
    i = 1;
    if (ownerToken.quoted) {
      ctx.findings.push(finding("zone.bad-name", "error", `the owner name is in quotes: write it without quotes. The line is skipped.`, place, RFC_MASTER));
      return;
    }
    owner = resolveOrReport(ownerToken.text, state, place, ctx, "owner name");
    if (owner === undefined) return;
    if (CLASSES.test(ownerToken.text) || /^\d+$/.test(ownerToken.text)) {
      ctx.findings.push(
        finding(
          "zone.owner-looks-like-field",
          "warning",
          `the line starts with "${ownerToken.text}" in the first column, so it is read as the owner name ${owner}: indent the line to repeat the previous owner, or write the owner first.`,
          place,
          RFC_MASTER,
        ),
      );
    }
  }
  let ttl: number | undefined;
  let cls: string | undefined;
  for (let k = 0; k < 2 && i < t.length && !t[i].quoted; k++) {
    const text = t[i].text;
    if (ttl === undefined && TTL.test(text)) ttl = parseTtl(text);
    else if (cls === undefined && CLASSES.test(text)) cls = text.toUpperCase();
    else break;
    i++;
  }
  const typeToken = t[i];
  if (!typeToken) {
    ctx.findings.push(finding("zone.missing-type", "error", `the line has no record type after the owner${ttl !== undefined || cls !== undefined ? ", TTL and class" : ""}: write "<owner> [<ttl>] [IN] <type> <data>". The line is skipped.`, place, RFC_MASTER));
    return;
  }
  if (typeToken.quoted || !isRecordType(typeToken.text)) {
    const shown = typeToken.quoted ? undefined : shownToken(typeToken.text);
    ctx.findings.push(
      finding(
        "zone.unknown-type",
        "error",
        `field ${i + 1} of the line${shown ? `, ${shown},` : ""} is where the record type belongs, and it is not one (expected MX, TXT, CNAME, A…): the line is skipped. Write "<owner> [<ttl>] [IN] <type> <data>".`,
        place,
        RFC_MASTER,
      ),
    );
    return;
  }
  const type = typeToken.text.toUpperCase();
  const rdata = t.slice(i + 1).map((x) => x.text);
  if (rdata.length === 0) {
    ctx.findings.push(finding("zone.missing-rdata", "error", `the ${type} record at ${owner || "."} has no data: the line is skipped.`, place, RFC_MASTER));
    return;
  }
  state.previousOwner = owner;
  if (cls !== undefined && cls !== "IN") {
    ctx.findings.push(finding("zone.class", "warning", `class ${cls} is not IN (Internet): the record is left out.`, { ...place, owner }, RFC_MASTER));
    return;
  }
  if (type === "SOA") {
    const min = rdata.length === 7 ? parseTtl(rdata[6]) : undefined;
    if (min === undefined) {
      ctx.findings.push(finding("zone.syntax", "error", `the SOA record needs 7 fields (mname rname serial refresh retry expire minimum); found ${rdata.length}.`, { ...place, owner }, RFC_MASTER));
    } else state.soaMinimum = min;
    if (ctx.soaOwner === undefined) ctx.soaOwner = owner;
  }
  if (ttl !== undefined) {
    ttl = checkTtlRange(ttl, place, ctx);
    state.lastTtl = ttl;
  } else {
    ttl = state.defaultTtl ?? state.lastTtl ?? state.soaMinimum;
    if (ttl === undefined) {
      ttl = DEFAULT_TTL;
      if (!state.warnedNoTtl) {
        state.warnedNoTtl = true;
        ctx.findings.push(finding("zone.no-ttl", "warning", `the record has no TTL and the file has no $TTL before it: ${DEFAULT_TTL} seconds is assumed. Add "$TTL 3600" at the top of the file.`, place, "RFC 2308 §4"));
      }
    }
  }
  ctx.records.push({ file: place.file, line: place.line, owner, ttl, type, rdata, origin: state.origin ?? owner });
}

function shorten(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** A record as one zone-file line (absolute owner), for messages. */
export function describeRecord(r: ZoneRecord, max = 100): string {
  return shorten(`${r.owner || "."} ${r.ttl} ${r.type} ${r.rdata.join(" ")}`, max);
}
