/**
 * BIMI assertion record, a TXT record at `<selector>._bimi.<domain>`
 * (draft-brand-indicators-for-message-identification-10, still an Internet-Draft: section numbers
 * below are that revision's):
 *
 *   bimi-record   = bimi-version (bimi-sep bimi-location) [bimi-sep bimi-evidence-location]
 *                   [local-part-selector] [bimi-sep bimi-logo-preference] [bimi-sep]
 *   bimi-version  = "v" *WSP "=" *WSP "BIMI1"           ; first tag, must match precisely
 *   bimi-location = "l" *WSP "=" *WSP [bimi-uri]        ; https, an SVG logo; empty = declined
 *   bimi-evidence-location = "a" *WSP "=" *WSP [bimi-uri] ; https, a PEM VMC/CMC; empty = none
 *   lps=true|false, avp=brand|personal; unknown tags are ignored (§4.3).
 *
 * Receivers also require the domain's DMARC policy at enforcement (§7.1): see
 * `checkBimiDmarcRequirement`.
 */
import { objectArg, textArg } from "./args-schema";
import { Diagnostic, Parsed, invalid, note, risky, dedupeDiagnostics } from "./diagnostics";
import { printable, validateSelector } from "./names";
import { duplicateTagNames, parseTagList, checkVersionTag } from "./tags";
import { checkNoControlCharacters } from "./txt";
import { parseReportUri } from "./uris";

export const BIMI_VERSION = "BIMI1";
export const BIMI_DRAFT = "draft-brand-indicators-for-message-identification-10";
const RFC_RECORD = `${BIMI_DRAFT} §4.3`;
const RFC_DECLINE = `${BIMI_DRAFT} §4.3.1`;
const RFC_FORMATS = `${BIMI_DRAFT} §4.3.2`;
const RFC_AUTH = `${BIMI_DRAFT} §7.1`;
/** Image suffixes that are not in the BIMI formats registry: a permanent error (§4.3.2). */
const OTHER_IMAGE = /\.(png|jpe?g|gif|webp|bmp|ico|tiff?|heic|avif)$/i;

export type BimiAvatarPreference = "brand" | "personal";

export interface BimiRecord {
  /** `l=`: https URL of the SVG Tiny PS logo; "" declines to publish (§4.3.1). */
  location: string;
  /** `a=`: https URL of the PEM VMC/CMC; "" or absent = no evidence. */
  authority?: string;
  /** `lps=`: look up a selector derived from the sender's local part (§4.5). */
  localPartSelectors?: boolean;
  /** `avp=`: prefer the brand logo or the sender's personal avatar (§4.3). */
  avatarPreference?: BimiAvatarPreference;
}

/** The component's `bimi` arguments. */
export interface BimiArgs {
  logoUrl: string;
  authorityUrl?: string;
  selector?: string;
}

/** The shape of `BimiArgs`, for the shared argument rule (`./args-schema`). */
export const BIMI_ARGS = objectArg<BimiArgs>(
  { logoUrl: textArg(), authorityUrl: textArg(), selector: textArg() },
  {
    example: '{ logoUrl: "https://example.com/bimi/logo.svg" }',
    rfc: RFC_RECORD,
    fromString: (text, key) => (/^\s*https:/i.test(text) ? `Write ${key}: { logoUrl: ${JSON.stringify(text.trim().slice(0, 80))} }.` : undefined),
  },
);

/** `v=BIMI1; l=<logo>[; a=<evidence>][; lps=…][; avp=…]`. */
export function renderBimi(r: BimiRecord): string {
  const parts = [`v=${BIMI_VERSION}`, `l=${r.location}`];
  if (r.authority !== undefined) parts.push(`a=${r.authority}`);
  if (r.localPartSelectors !== undefined) parts.push(`lps=${r.localPartSelectors}`);
  if (r.avatarPreference !== undefined) parts.push(`avp=${r.avatarPreference}`);
  return parts.join("; ");
}

/** Parse the TXT value (strings already joined). Never throws. */
export function parseBimi(text: string): Parsed<Partial<BimiRecord>> {
  const diagnostics: Diagnostic[] = [...checkNoControlCharacters(text, "record")];
  const model: Partial<BimiRecord> = {};
  const parsed = parseTagList(text, "bimi", RFC_RECORD);
  diagnostics.push(...parsed.diagnostics);
  const tags = parsed.tags;

  diagnostics.push(...checkVersionTag(text, tags, { kind: "bimi", version: BIMI_VERSION, rfc: RFC_RECORD, readers: "receivers", next: "l=…", spaceBeforeEquals: true }));
  for (const name of duplicateTagNames(tags)) {
    diagnostics.push(invalid("bimi.duplicate-tag", name, `${name}= appears more than once: receivers cannot tell which applies; keep one.`, RFC_RECORD));
  }

  const get = (name: string) => tags.find((t) => t.name === name);
  const l = get("l");
  const a = get("a");
  if (!l) {
    diagnostics.push(
      invalid("bimi.missing-location", "l", `the record has no l= tag: add l=https://…/logo.svg (or "l=; a=" to decline BIMI for this selector).`, RFC_RECORD),
    );
  } else {
    const c = checkHttpsUrl(l.value, "l");
    const format = c.ok && l.value !== "" ? checkLogoFormat(l.value, "l") : [];
    diagnostics.push(...c.diagnostics, ...format);
    if (c.ok && !format.some((d) => d.severity === "error")) model.location = l.value;
  }
  if (a) {
    const c = checkHttpsUrl(a.value, "a");
    diagnostics.push(...c.diagnostics);
    if (c.ok) model.authority = a.value;
  }
  const lps = get("lps");
  if (lps) {
    if (lps.value === "true" || lps.value === "false") model.localPartSelectors = lps.value === "true";
    else diagnostics.push(lpsWarning(lps.value));
  }
  const avp = get("avp");
  if (avp) {
    if (avp.value === "brand" || avp.value === "personal") model.avatarPreference = avp.value;
    else diagnostics.push(avpWarning(avp.value));
  }
  // Format and evidence checks only on URLs that parsed, so one bad URL gives one diagnostic.
  if (model.location !== undefined) diagnostics.push(...checkSemantics({ location: model.location, authority: a?.value }, a === undefined || model.authority !== undefined));
  return { model, diagnostics: dedupeDiagnostics(diagnostics) };
}

/** Check a model built in code: URLs, declination, logo and evidence formats. */
export function validateBimi(r: BimiRecord): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  diagnostics.push(...checkHttpsUrl(r.location, "l").diagnostics);
  if (r.authority !== undefined) diagnostics.push(...checkHttpsUrl(r.authority, "a").diagnostics);
  if (r.avatarPreference !== undefined && r.avatarPreference !== "brand" && r.avatarPreference !== "personal") {
    diagnostics.push(avpWarning(String(r.avatarPreference)));
  }
  if (r.localPartSelectors !== undefined && typeof r.localPartSelectors !== "boolean") diagnostics.push(lpsWarning(String(r.localPartSelectors)));
  diagnostics.push(...checkSemantics(r));
  return dedupeDiagnostics(diagnostics);
}

/** Check the `bimi` arguments; field paths like `bimi.logoUrl`. */
export function validateBimiArgs(args: BimiArgs, field = "bimi"): Diagnostic[] {
  if (args === null || typeof args !== "object") {
    return [invalid("bimi.args", field, `${field} must be an object { logoUrl, authorityUrl?, selector? }.`, RFC_RECORD)];
  }
  const diagnostics: Diagnostic[] = [];
  const { logoUrl, authorityUrl, selector } = args;
  if (typeof logoUrl !== "string" || logoUrl.trim() === "") {
    diagnostics.push(invalid("bimi.missing-location", `${field}.logoUrl`, `${field}.logoUrl is required: give the https URL of your SVG Tiny PS logo, e.g. https://example.com/bimi/logo.svg.`, RFC_RECORD));
  } else {
    diagnostics.push(...checkHttpsUrl(logoUrl, `${field}.logoUrl`).diagnostics, ...checkLogoFormat(logoUrl, `${field}.logoUrl`));
  }
  if (authorityUrl !== undefined && (typeof authorityUrl !== "string" || authorityUrl.trim() === "")) {
    diagnostics.push(invalid("bimi.invalid-uri", `${field}.authorityUrl`, `${field}.authorityUrl is empty: give the https URL of your VMC/CMC (.pem), or leave it out.`, RFC_RECORD));
  } else if (authorityUrl !== undefined) {
    diagnostics.push(...checkHttpsUrl(authorityUrl, `${field}.authorityUrl`).diagnostics, ...checkEvidenceFormat(authorityUrl, `${field}.authorityUrl`));
  } else {
    diagnostics.push(noAuthority(`${field}.authorityUrl`));
  }
  if (selector !== undefined) {
    diagnostics.push(...(typeof selector === "string" ? validateSelector(selector, `${field}.selector`) : [invalid("name.selector-syntax", `${field}.selector`, `${field}.selector must be a string such as "default".`, `${BIMI_DRAFT} §4.4`)]));
  }
  return diagnostics;
}

/** The record the arguments describe. Call `validateBimiArgs` first. */
export function buildBimi(args: BimiArgs): BimiRecord {
  const r: BimiRecord = { location: args.logoUrl.trim() };
  if (args.authorityUrl !== undefined) r.authority = args.authorityUrl.trim();
  return r;
}

/** The selector the record is published under (`default` unless given), lower case (§4.4). */
export function bimiSelector(args: Pick<BimiArgs, "selector">): string {
  return (args.selector ?? "default").trim().toLowerCase();
}

/**
 * Receivers process BIMI only when the domain's DMARC policy is at enforcement: not p=none, not
 * sp=none, and p=quarantine only at pct=100 (§7.1 steps 7–9). Otherwise the BIMI record is ignored.
 */
export function checkBimiDmarcRequirement(dmarc: { p?: string; sp?: string; pct?: number } | undefined, field = "bimi"): Diagnostic[] {
  const fix = `publish DMARC with p=quarantine or p=reject (pct=100 or no pct) and no sp=none`;
  if (!dmarc) {
    return [invalid("bimi.dmarc-missing", field, `BIMI needs a DMARC record at enforcement and the domain has none: receivers ignore the BIMI record; ${fix}.`, RFC_AUTH)];
  }
  const diagnostics: Diagnostic[] = [];
  const p = (dmarc.p ?? "").toLowerCase();
  const sp = dmarc.sp?.toLowerCase();
  if (p !== "quarantine" && p !== "reject") {
    diagnostics.push(
      invalid("bimi.dmarc-policy", `${field}`, `${p ? `the DMARC policy is p=${printable(p)}` : "the DMARC record has no p= policy"}: receivers show BIMI logos only for p=quarantine or p=reject; ${fix}.`, RFC_AUTH),
    );
  }
  if (sp === "none") {
    diagnostics.push(invalid("bimi.dmarc-subdomain-policy", `${field}`, `the DMARC record has sp=none: receivers then skip BIMI; set sp=quarantine or sp=reject, or remove sp so it follows p.`, RFC_AUTH));
  }
  if (dmarc.pct !== undefined && dmarc.pct < 100) {
    if (p === "quarantine") {
      diagnostics.push(invalid("bimi.dmarc-pct", `${field}`, `the DMARC record has p=quarantine with pct=${dmarc.pct}: receivers show BIMI logos only at pct=100; set pct=100 or remove pct.`, RFC_AUTH));
    } else if (p === "reject") {
      diagnostics.push(
        risky("bimi.dmarc-pct", "warning", `${field}`, `the DMARC record has pct=${dmarc.pct}: the BIMI draft accepts p=reject at any pct, but mailbox providers such as Gmail ask for full enforcement; set pct=100 or remove pct.`, RFC_AUTH),
      );
    }
  }
  return diagnostics;
}

/** Declination, empty location with evidence, format suffixes, missing evidence. */
function checkSemantics(r: { location: string; authority?: string }, authorityValid = true): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const auth = r.authority ?? "";
  if (r.location === "") {
    if (auth === "") {
      diagnostics.push(note("bimi.declined", "l", `empty l= and a=: this record declines BIMI for this selector (no logo is shown); that is valid if intended.`, RFC_DECLINE));
    } else {
      diagnostics.push(invalid("bimi.empty-location", "l", `l= is empty but a= names evidence: receivers find no logo location and show nothing; put the https URL of the SVG logo in l=.`, `${BIMI_DRAFT} §7.3`));
    }
    return diagnostics;
  }
  diagnostics.push(...checkLogoFormat(r.location, "l"));
  if (auth === "") diagnostics.push(noAuthority("a"));
  else if (authorityValid) diagnostics.push(...checkEvidenceFormat(auth, "a"));
  return diagnostics;
}

/** An https URL (empty allowed: the record-level meaning of empty is checked elsewhere). */
function checkHttpsUrl(value: string, field: string): { ok: boolean; diagnostics: Diagnostic[] } {
  if (value === "") return { ok: true, diagnostics: [] };
  const r = parseReportUri(value, field, { kind: "bimi", schemes: ["https"], rfc: RFC_RECORD });
  return { ok: r.uri !== undefined && r.diagnostics.length === 0, diagnostics: r.diagnostics };
}

function urlPath(value: string): string {
  try {
    return new URL(value).pathname;
  } catch {
    return value;
  }
}

function checkLogoFormat(value: string, field: string): Diagnostic[] {
  const path = urlPath(value);
  if (/\.svgz?$/i.test(path)) return [];
  if (OTHER_IMAGE.test(path)) {
    return [invalid("bimi.logo-format", field, `the logo "${printable(value)}" is not SVG: receivers treat any other image format as a permanent error; publish an SVG Tiny PS logo (.svg).`, RFC_FORMATS)];
  }
  return [risky("bimi.logo-extension", "warning", field, `the logo URL "${printable(value)}" does not end in .svg: receivers expect an SVG Tiny PS file; check that the URL serves one and name it .svg.`, RFC_FORMATS)];
}

function checkEvidenceFormat(value: string, field: string): Diagnostic[] {
  if (/\.pem$/i.test(urlPath(value))) return [];
  return [risky("bimi.authority-extension", "warning", field, `the evidence URL "${printable(value)}" does not end in .pem: a VMC or CMC is published as a PEM certificate chain; check the URL your certificate authority gave you.`, RFC_RECORD)];
}

function noAuthority(field: string): Diagnostic {
  return risky(
    "bimi.no-authority",
    "warning",
    field,
    `no a= evidence (VMC or CMC): Gmail shows BIMI logos only with a Verified Mark Certificate or Common Mark Certificate, and Apple Mail only with a VMC; without one only some receivers, such as Yahoo Mail, may show the logo. Add the https URL of your certificate's .pem in a=.`,
    RFC_RECORD,
  );
}

function lpsWarning(value: string): Diagnostic {
  return risky("bimi.lps", "warning", "lps", `lps=${printable(value)} is not "true" or "false": receivers ignore it; write lps=true or remove the tag.`, `${BIMI_DRAFT} §4.5`);
}

function avpWarning(value: string): Diagnostic {
  return risky("bimi.avp", "warning", "avp", `avp=${printable(value)} is not "brand" or "personal": receivers ignore it or may treat the record as failing; write avp=brand or avp=personal.`, RFC_RECORD);
}
