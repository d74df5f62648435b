/**
 * SMTP TLS Reporting policy, a TXT record at `_smtp._tls.<domain>` (RFC 8460 §3):
 *
 *   tlsrpt-record    = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
 *   field-delim      = *WSP ";" *WSP
 *   tlsrpt-version   = %s"v=TLSRPTv1"                          ; first, case-sensitive
 *   tlsrpt-rua       = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
 *   tlsrpt-uri       = URI   ; mailto: or https:, with "," "!" ";" percent-encoded
 *   tlsrpt-extension = tlsrpt-ext-name "=" tlsrpt-ext-value    ; ignored by senders
 *
 * A record that is not syntactically valid means "no TLS-RPT" to senders, so grammar deviations
 * are errors.
 */
import { listArg, objectArg, textArg } from "./args-schema";
import { Diagnostic, Parsed, invalid, risky, dedupeDiagnostics } from "./diagnostics";
import { printable } from "./names";
import { Tag, duplicateTagNames, parseTagList, checkVersionTag } from "./tags";
import { checkNoControlCharacters } from "./txt";
import { parseReportUri, renderReportUri } from "./uris";
import { EXT_NAME, EXT_NAME_RULE, checkSpacingAroundEquals } from "./mta-sts/txt";

export const TLSRPT_VERSION = "TLSRPTv1";
const RFC = "RFC 8460 §3";
const EXT_VALUE = /^[\x21-\x3a\x3c\x3e-\x7e]+$/;

export interface TlsRptRecord {
  /** Report destinations, `mailto:` or `https:` URIs in normal form. */
  rua: string[];
  /** Extension tags in record order (ignored by senders). */
  extensions?: Tag[];
}

/** The component's `tlsRpt` arguments. */
export interface TlsRptArgs {
  rua: string[];
}

/** The shape of `TlsRptArgs`, for the shared argument rule (`./args-schema`). */
export const TLS_RPT_ARGS = objectArg<TlsRptArgs>(
  { rua: listArg(textArg(), { maxItems: 10, why: "reports go to every address listed; a few are plenty" }) },
  {
    example: '{ rua: ["mailto:tls-reports@example.com"] }',
    rfc: RFC,
    fromString: (text, key) => (/^\s*(?:mailto|https):/i.test(text) ? `Write ${key}: { rua: [${JSON.stringify(text.trim().slice(0, 80))}] }.` : undefined),
  },
);

/** `v=TLSRPTv1; rua=<uri>[,<uri>]` followed by any extension tags. */
/** Record selection (RFC 8460 §3): senders keep only TXT values that begin with "v=TLSRPTv1". */
export function isTlsRptRecord(txt: string): boolean {
  return /^v=TLSRPTv1\s*(;|$)/.test(txt);
}

export function renderTlsRpt(r: TlsRptRecord): string {
  return [`v=${TLSRPT_VERSION}`, `rua=${r.rua.join(",")}`, ...(r.extensions ?? []).map((t) => `${t.name}=${t.value}`)].join("; ");
}

/** Parse the TXT value (strings already joined). Never throws. */
export function parseTlsRpt(text: string): Parsed<Partial<TlsRptRecord>> {
  const diagnostics: Diagnostic[] = [...checkNoControlCharacters(text, "record")];
  const model: Partial<TlsRptRecord> = {};
  const parsed = parseTagList(text, "tls-rpt", RFC, { tagName: EXT_NAME, tagNameRule: EXT_NAME_RULE });
  diagnostics.push(...parsed.diagnostics, ...checkSpacingAroundEquals(text, "tls-rpt", RFC));
  const tags = parsed.tags;

  diagnostics.push(...checkVersionTag(text, tags, { kind: "tls-rpt", version: TLSRPT_VERSION, rfc: RFC, readers: "senders", next: "rua=…", spaceBeforeEquals: false }));

  const ruaTag = tags.find((t) => t.name === "rua");
  if (!ruaTag) {
    const other = tags.find((t) => t.name.toLowerCase() === "rua");
    diagnostics.push(
      invalid(
        "tls-rpt.missing-rua",
        "rua",
        other ? `"${other.name}=" must be written in lower case as rua=: tag names are case-sensitive.` : `the record has no rua= tag: add rua=mailto:tls-reports@your-domain (or an https: URL) where reports should go.`,
        RFC,
      ),
    );
  } else {
    const rua: string[] = [];
    const items = ruaTag.value.split(",").map((u) => u.replace(/^[ \t]+|[ \t]+$/g, ""));
    items.forEach((item, i) => {
      const r = checkTlsRptUri(item, items.length > 1 ? `rua[${i}]` : "rua");
      diagnostics.push(...r.diagnostics);
      if (r.uri !== undefined) rua.push(r.uri);
    });
    model.rua = rua;
  }
  const extensions = tags.filter((t) => t.name !== "v" && t.name !== "rua");
  if (extensions.length) model.extensions = extensions;
  for (const name of duplicateTagNames(tags)) diagnostics.push(duplicateTag(name));
  diagnostics.push(...checkExtensions(extensions), ...checkDuplicateUris(model.rua ?? [], "rua"));
  return { model, diagnostics: dedupeDiagnostics(diagnostics) };
}

/** Check a model built in code: at least one valid URI, extension grammar, duplicates. */
export function validateTlsRpt(r: TlsRptRecord): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (r.rua.length === 0) {
    diagnostics.push(invalid("tls-rpt.missing-rua", "rua", `rua is empty: give at least one mailto: or https: URI where reports should go.`, RFC));
  }
  r.rua.forEach((u, i) => {
    const c = checkTlsRptUri(u, `rua[${i}]`);
    diagnostics.push(...c.diagnostics);
    if (c.uri !== undefined && c.uri !== u) {
      diagnostics.push(invalid("tls-rpt.invalid-uri", `rua[${i}]`, `rua[${i}] "${printable(u)}" is not in normal form: write "${c.uri}".`, RFC));
    }
  });
  for (const t of r.extensions ?? []) {
    if (t.name === "v" || t.name === "rua") diagnostics.push(duplicateTag(t.name));
  }
  diagnostics.push(...checkExtensions(r.extensions ?? []), ...checkDuplicateUris(r.rua, "rua"));
  for (const name of duplicateTagNames(r.extensions ?? [])) diagnostics.push(duplicateTag(name));
  return dedupeDiagnostics(diagnostics);
}

/** Check the `tlsRpt` arguments; field paths like `tlsRpt.rua[1]`. */
export function validateTlsRptArgs(args: TlsRptArgs, field = "tlsRpt"): Diagnostic[] {
  if (args === null || typeof args !== "object" || !Array.isArray(args.rua)) {
    return [invalid("tls-rpt.args", `${field}.rua`, `${field}.rua must be a list of report URIs such as ["mailto:tls-reports@example.com"].`, RFC)];
  }
  if (args.rua.length === 0) {
    return [invalid("tls-rpt.missing-rua", `${field}.rua`, `${field}.rua is empty: give at least one mailto: or https: URI where reports should go.`, RFC)];
  }
  const diagnostics: Diagnostic[] = [];
  const uris: string[] = [];
  args.rua.forEach((raw, i) => {
    const at = `${field}.rua[${i}]`;
    if (typeof raw !== "string") {
      diagnostics.push(invalid("tls-rpt.invalid-uri", at, `${at} must be a URI string such as mailto:tls-reports@example.com.`, RFC));
      return;
    }
    const c = checkTlsRptUri(raw, at);
    diagnostics.push(...c.diagnostics);
    if (c.uri === undefined) return;
    const first = uris.indexOf(c.uri);
    if (first >= 0) diagnostics.push(risky("tls-rpt.duplicate-uri", "warning", at, `${at} repeats ${field}.rua[${first}] (${c.uri}): list each destination once.`, RFC));
    uris.push(c.uri);
  });
  return diagnostics;
}

/** The record the arguments describe; URIs normalized and deduplicated in the order given. */
export function buildTlsRpt(args: TlsRptArgs): TlsRptRecord {
  const rua = args.rua.map((u) => checkTlsRptUri(u, "rua").uri).filter((u): u is string => u !== undefined);
  return { rua: [...new Set(rua)] };
}

/** One rua URI: mailto or https (RFC 8460 §3), with "!" percent-encoded (no DMARC-style size). */
function checkTlsRptUri(raw: string, field: string): { uri?: string; diagnostics: Diagnostic[] } {
  if (/!/.test(raw)) {
    const sizeLike = /![0-9]+[kmgt]?$/i.test(raw.trim());
    return {
      diagnostics: [
        invalid(
          "tls-rpt.invalid-uri",
          field,
          sizeLike
            ? `${field} "${printable(raw)}" ends in a size limit: TLS-RPT has none (that is DMARC's "!size"); remove it.`
            : `${field} "${printable(raw)}" contains "!", which a TLS-RPT URI must percent-encode as %21.`,
          RFC,
        ),
      ],
    };
  }
  const r = parseReportUri(raw, field, { kind: "tls-rpt", schemes: ["mailto", "https"], rfc: RFC });
  return { uri: r.uri ? renderReportUri(r.uri) : undefined, diagnostics: r.diagnostics };
}

function checkExtensions(extensions: readonly Tag[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const t of extensions) {
    if (t.name === "v" || t.name === "rua") continue;
    if (!EXT_NAME.test(t.name)) {
      diagnostics.push(invalid("tls-rpt.tag-syntax", t.name, `"${printable(t.name)}" is not a valid tag name: ${EXT_NAME_RULE}.`, RFC));
    } else if (!EXT_VALUE.test(t.value)) {
      diagnostics.push(invalid("tls-rpt.tag-value-syntax", t.name, `the value of ${printable(t.name)}= must be one or more printable ASCII characters without spaces, "=" or ";".`, RFC));
    }
  }
  return diagnostics;
}

function checkDuplicateUris(rua: readonly string[], field: string): Diagnostic[] {
  return rua
    .map((u, i) => ({ u, i }))
    .filter(({ u, i }) => rua.indexOf(u) !== i)
    .map(({ u, i }) => risky("tls-rpt.duplicate-uri", "warning", `${field}[${i}]`, `${u} is listed more than once: list each destination once.`, RFC));
}

function duplicateTag(name: string): Diagnostic {
  if (name === "v" || name === "rua") {
    return invalid("tls-rpt.duplicate-tag", name, `${name}= appears more than once: senders may read either; keep one ${name}= (rua takes a comma-separated list).`, RFC);
  }
  return risky("tls-rpt.duplicate-tag", "warning", name, `${name}= appears more than once: keep a single one.`, RFC);
}
