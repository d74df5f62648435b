/**
 * Report and asset URIs inside mail TXT records: DMARC `rua`/`ruf` (RFC 7489 §6.2, mailto with an
 * optional `!size`), TLS-RPT `rua` (RFC 8460 §3, mailto or https), BIMI `l=`/`a=` (https only).
 *
 * https URLs are parsed by the WHATWG `URL` built into Node. A mailto address is checked as an
 * RFC 5321 §4.1.2 Mailbox (dot-atom local part, domain checked by `normalizeName`): the small
 * subset these records need, where a full RFC 5322 parser would accept forms no report sender
 * supports (comments, quoted display names).
 */
import { Diagnostic, invalid } from "./diagnostics";
import { normalizeName, printable } from "./names";

export type UriScheme = "mailto" | "https";

export interface ReportUri {
  /** The URI as written, without its `!size` suffix. */
  uri: string;
  scheme: UriScheme;
  /** mailto: the address (local@domain, domain normalized). */
  address?: string;
  /** The domain that receives the reports or serves the asset. */
  domain: string;
  /** DMARC maximum report size, e.g. `10m` (RFC 7489 §6.2). */
  maxSize?: string;
}

export interface UriRules {
  /** Diagnostic code namespace: `dmarc`, `tls-rpt`, `bimi`. */
  kind: string;
  schemes: readonly UriScheme[];
  /** DMARC allows `!<digits>[kmgt]` after a URI. */
  allowSize?: boolean;
  rfc: string;
}

const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// ABNF literals are case-insensitive (RFC 5234 §2.3): "!10M" is as valid as "!10m".
const SIZE = /^(\d+)([kmgt]?)$/i;

/**
 * Parse one URI. Anything that would let user text add a tag or a list item to the record (`;`,
 * `,`, `"`, whitespace, control characters) is an error naming the field.
 */
export function parseReportUri(raw: string, field: string, rules: UriRules): { uri?: ReportUri; diagnostics: Diagnostic[] } {
  const fail = (code: string, message: string) => ({ diagnostics: [invalid(`${rules.kind}.${code}`, field, message, rules.rfc)] });
  // Control characters are checked before trimming: a trailing newline is reported, not dropped.
  const control = /[\u0000-\u001f\u007f]/.exec(raw);
  if (control) {
    return fail("invalid-uri", `${field} "${printable(raw)}" contains ${describe(control[0])}, which would end the URI inside the record: remove it.`);
  }
  const text = raw.trim();
  if (text === "") return fail("invalid-uri", `${field} is empty: give a URI such as mailto:reports@example.com.`);
  const injected = /[;,"\s\u0000-\u001f\u007f]/.exec(text);
  if (injected) {
    return fail(
      "invalid-uri",
      `${field} "${printable(text)}" contains ${describe(injected[0])}, which would end the URI inside the record: give a single URI (percent-encode "," and ";" if the address really contains them).`,
    );
  }
  let body = text;
  let maxSize: string | undefined;
  const bang = text.lastIndexOf("!");
  if (rules.allowSize && bang > 0 && /^mailto:/i.test(text)) {
    const size = text.slice(bang + 1);
    if (!SIZE.test(size)) {
      return fail("uri-size", `${field} size limit "!${size}" is not a number with an optional k, m, g or t unit (for example "!10m").`);
    }
    maxSize = size;
    body = text.slice(0, bang);
  }
  const colon = body.indexOf(":");
  const scheme = colon > 0 ? body.slice(0, colon).toLowerCase() : "";
  if (!(rules.schemes as readonly string[]).includes(scheme)) {
    const want = rules.schemes.map((s) => `${s}:`).join(" or ");
    const hint = /^[^@\s]+@[^@\s]+$/.test(body) ? ` Write it as mailto:${body}.` : "";
    return fail("uri-scheme", `${field} "${printable(body)}" must be a ${want} URI.${hint}`);
  }
  if (scheme === "mailto") {
    const addr = safeDecode(body.slice(colon + 1));
    const at = addr.lastIndexOf("@");
    const local = at > 0 ? addr.slice(0, at) : "";
    const domainPart = at > 0 ? addr.slice(at + 1) : "";
    if (!local || !DOT_ATOM.test(local) || local.length > 64) {
      return fail("invalid-uri", `${field} "${printable(body)}" is not a valid mailto: address: write mailto:local-part@domain.`);
    }
    const d = normalizeName(domainPart, field, { hostname: true });
    if (d.diagnostics.length) {
      return fail("invalid-uri", `${field} "${printable(body)}" has an invalid domain: ${d.diagnostics[0].message}`);
    }
    return { uri: { uri: `mailto:${local}@${d.name}`, scheme: "mailto", address: `${local}@${d.name}`, domain: d.name, maxSize }, diagnostics: [] };
  }
  // WHATWG URL parsing is lenient: it turns "https:example.com" and "https:\\host" into valid
  // URLs, but the record carries the text as written, which has no authority (RFC 3986 §3.2).
  if (!/^https:\/\/[^/\\]/i.test(body) || body.includes("\\")) {
    return fail("invalid-uri", `${field} "${printable(body)}" is not a valid https URL: write it as https://host/path.`);
  }
  let url: URL;
  try {
    url = new URL(body);
  } catch {
    return fail("invalid-uri", `${field} "${printable(body)}" is not a valid https URL.`);
  }
  if (/[^\x21-\x7e]/.test(body)) {
    // URIs are ASCII (RFC 3986 §2), and so are tag values (RFC 6376 §3.2): non-ASCII breaks the record.
    return fail("invalid-uri", `${field} "${printable(body)}" contains non-ASCII characters, which a URI in a DNS record cannot hold: write it as ${url.href}.`);
  }
  if (url.username || url.password) {
    // RFC 9110 §4.2.4: a sender MUST NOT generate userinfo in an http(s) URI.
    return fail("invalid-uri", `${field} "${printable(body)}" carries a user name or password before "@": remove it, the record is public.`);
  }
  const host = normalizeName(url.hostname, field, { hostname: true });
  if (host.diagnostics.length) {
    return fail("invalid-uri", `${field} "${printable(body)}" has an invalid host: ${host.diagnostics[0].message}`);
  }
  return { uri: { uri: body, scheme: "https", domain: host.name, maxSize }, diagnostics: [] };
}

/** Render a parsed URI back, with its size suffix. */
export function renderReportUri(u: ReportUri): string {
  return u.maxSize ? `${u.uri}!${u.maxSize}` : u.uri;
}

function describe(c: string): string {
  if (c === ";") return 'a ";"';
  if (c === ",") return 'a ","';
  if (c === '"') return "a quote";
  if (/\s/.test(c)) return c === " " ? "a space" : "a line break or tab";
  return "a control character";
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
