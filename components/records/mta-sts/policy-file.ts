/**
 * The MTA-STS policy file served at `https://mta-sts.<domain>/.well-known/mta-sts.txt`
 * (RFC 8461 §3.2):
 *
 *   version: STSv1
 *   mode: enforce            ; enforce | testing | none, case-sensitive
 *   mx: mx1.example.com      ; one line per pattern; "*." may replace the leftmost label
 *   max_age: 604800          ; 1*10 DIGIT, at most 31557600
 *
 * The prose calls the lines "CRLF-separated", the ABNF accepts `sts-policy-term = LF / CRLF`: the
 * parser accepts both, the renderer writes CRLF, which satisfies every reading. Keys are
 * case-sensitive (`%s`), `key ":" *WSP value`, unknown keys are ignored by senders (kept in the
 * model as extensions so that a round trip loses nothing).
 */
import { Diagnostic, Parsed, invalid, risky, dedupeDiagnostics } from "../diagnostics";
import { MtaStsMode } from "../enums";
import { normalizeName, printable } from "../names";
import { EXT_NAME, EXT_NAME_RULE, STS_VERSION } from "./txt";

export const RFC_POLICY = "RFC 8461 §3.2";
/** RFC 8461 §3.2: "maximum value of 31557600" (one year). */
export const MAX_MAX_AGE = 31557600;
/** Below one day the policy protects little between refreshes; the RFC expects weeks or more. */
export const SHORT_MAX_AGE = 86400;
/** RFC 8461 §3.3 recommends senders cap the policy body at 64 KiB. */
const MAX_POLICY_OCTETS = 65536;
const MODES: readonly string[] = Object.values(MtaStsMode);
const KNOWN_KEYS = ["version", "mode", "mx", "max_age"];

export interface PolicyExtension {
  name: string;
  value: string;
}

export interface MtaStsPolicy {
  mode: MtaStsMode;
  /** Patterns in normal form: `mx1.example.com` or `*.example.net`. */
  mx: string[];
  /** Seconds a sender may cache the policy, 0–31557600. */
  maxAge: number;
  /** Keys RFC 8461 does not define, in file order (senders ignore them). */
  extensions?: PolicyExtension[];
}

/** The policy file, CRLF line endings, version first. */
export function renderMtaStsPolicy(p: MtaStsPolicy): string {
  const lines = [`version: ${STS_VERSION}`, `mode: ${p.mode}`, ...p.mx.map((m) => `mx: ${m}`), `max_age: ${p.maxAge}`];
  for (const e of p.extensions ?? []) lines.push(`${e.name}: ${e.value}`);
  return lines.map((l) => `${l}\r\n`).join("");
}

/** Parse a policy file body. Never throws. */
export function parseMtaStsPolicy(text: string): Parsed<Partial<MtaStsPolicy>> {
  const diagnostics: Diagnostic[] = [];
  const model: Partial<MtaStsPolicy> = { mx: [] };
  const extensions: PolicyExtension[] = [];
  const seen = new Map<string, number>();
  if (Buffer.byteLength(text, "utf8") > MAX_POLICY_OCTETS) {
    diagnostics.push(risky("mta-sts.policy-too-large", "warning", "policy", `the policy file is larger than 64 KiB: senders may refuse it; list fewer mx patterns (wildcards help).`, "RFC 8461 §3.3"));
  }
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  let blankReported = false;
  lines.forEach((line, i) => {
    const at = `line ${i + 1}`;
    if (/^[ \t]*$/.test(line)) {
      if (!blankReported && lines.length > 1) {
        blankReported = true;
        diagnostics.push(risky("mta-sts.policy-blank-line", "warning", at, `${at} is blank: the policy grammar has no empty lines and strict senders reject the file; remove it.`, RFC_POLICY));
      } else if (lines.length === 1) {
        diagnostics.push(invalid("mta-sts.policy-syntax", "policy", `the policy file is empty: it needs version, mode, mx and max_age lines.`, RFC_POLICY));
      }
      return;
    }
    const ctl = /[\u0000-\u0008\u000a-\u001f\u007f]/.exec(line);
    if (ctl) {
      diagnostics.push(invalid("mta-sts.policy-syntax", at, `${at} contains a control character (${printable(ctl[0])}): remove it; lines end with CRLF or LF only.`, RFC_POLICY));
      return;
    }
    const colon = line.indexOf(":");
    if (colon < 0) {
      diagnostics.push(invalid("mta-sts.policy-syntax", at, `${at} "${printable(line).slice(0, 60)}" is not "key: value": write e.g. "mode: enforce".`, RFC_POLICY));
      return;
    }
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (!EXT_NAME.test(key)) {
      const bare = key.replace(/^[ \t]+|[ \t]+$/g, "");
      const hint = EXT_NAME.test(bare) ? `remove the space around "${bare}": the key starts the line and ":" follows it directly` : `key ${EXT_NAME_RULE}`;
      diagnostics.push(invalid("mta-sts.policy-syntax", at, `${at} key "${printable(key)}" is not valid: ${hint}.`, RFC_POLICY));
      return;
    }
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    if (count > 1 && key !== "mx" && KNOWN_KEYS.includes(key)) {
      diagnostics.push(invalid("mta-sts.policy-duplicate-key", key, `"${key}:" appears more than once (${at} again): the policy allows it once; keep one line.`, RFC_POLICY));
      return;
    }
    switch (key) {
      case "version":
        if (i !== 0) diagnostics.push(risky("mta-sts.policy-version-not-first", "warning", "version", `"version: ${STS_VERSION}" is on ${at}: put it on the first line, where every published policy and many parsers expect it.`, RFC_POLICY));
        if (value !== STS_VERSION) diagnostics.push(invalid("mta-sts.policy-version", "version", `version "${printable(value)}" is not supported: write exactly "version: ${STS_VERSION}".`, RFC_POLICY));
        return;
      case "mode":
        if (MODES.includes(value)) model.mode = value as MtaStsMode;
        else diagnostics.push(modeError("mode", value));
        return;
      case "max_age":
        if (/^\d{1,10}$/.test(value) && Number(value) <= MAX_MAX_AGE) model.maxAge = Number(value);
        else diagnostics.push(maxAgeError("max_age", value));
        return;
      case "mx": {
        const p = checkMxPattern(value, "mx", { strictAscii: true });
        diagnostics.push(...p.diagnostics);
        if (p.pattern !== undefined) model.mx?.push(p.pattern);
        return;
      }
      default:
        if (KNOWN_KEYS.includes(key.toLowerCase())) {
          diagnostics.push(risky("mta-sts.policy-key-case", "warning", key, `key "${key}" is not "${key.toLowerCase()}": keys are case-sensitive, senders ignore "${key}:"; write it in lower case.`, RFC_POLICY));
        }
        if (value === "") {
          diagnostics.push(invalid("mta-sts.policy-syntax", key, `${at} "${printable(key)}:" has no value: give one or remove the line.`, RFC_POLICY));
          return;
        }
        extensions.push({ name: key, value });
    }
  });
  if (!seen.has("version")) diagnostics.push(invalid("mta-sts.policy-missing-version", "version", `the policy has no "version: ${STS_VERSION}" line: add it as the first line.`, RFC_POLICY));
  if (!seen.has("mode")) diagnostics.push(invalid("mta-sts.policy-missing-mode", "mode", `the policy has no "mode:" line: add "mode: testing" (report only) or "mode: enforce".`, RFC_POLICY));
  if (!seen.has("max_age")) diagnostics.push(invalid("mta-sts.policy-missing-max-age", "max_age", `the policy has no "max_age:" line: add e.g. "max_age: 604800" (one week).`, RFC_POLICY));
  if (extensions.length) model.extensions = extensions;
  diagnostics.push(...checkPolicy(model));
  return { model, diagnostics: dedupeDiagnostics(diagnostics) };
}

/** Check a policy model built in code: every field. */
export function validateMtaStsPolicy(p: MtaStsPolicy): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (!MODES.includes(p.mode)) diagnostics.push(modeError("mode", String(p.mode)));
  if (!Number.isInteger(p.maxAge) || p.maxAge < 0 || p.maxAge > MAX_MAX_AGE) diagnostics.push(maxAgeError("max_age", String(p.maxAge)));
  p.mx.forEach((m, i) => {
    const c = checkMxPattern(m, `mx[${i}]`, { strictAscii: true });
    diagnostics.push(...c.diagnostics);
    if (c.pattern !== undefined && c.pattern !== m) {
      diagnostics.push(invalid("mta-sts.policy-mx-pattern", `mx[${i}]`, `mx pattern "${printable(m)}" is not in normal form: write "${c.pattern}".`, RFC_POLICY));
    }
  });
  for (const e of p.extensions ?? []) {
    if (!EXT_NAME.test(e.name) || KNOWN_KEYS.includes(e.name)) {
      diagnostics.push(invalid("mta-sts.policy-syntax", e.name, `extension key "${printable(e.name)}" is not valid: ${EXT_NAME_RULE}, and may not be a key RFC 8461 defines.`, RFC_POLICY));
    } else if (!/^[^\u0000-\u001f\u007f ](?:[^\u0000-\u001f\u007f]*[^\u0000-\u001f\u007f ])?$/u.test(e.value)) {
      diagnostics.push(invalid("mta-sts.policy-syntax", e.name, `the value of "${e.name}:" must be non-empty printable text without control characters or leading/trailing spaces.`, RFC_POLICY));
    }
  }
  diagnostics.push(...checkPolicy(p));
  return dedupeDiagnostics(diagnostics);
}

/** Semantic checks shared by parse and validate, on whatever fields are present. */
function checkPolicy(p: Partial<MtaStsPolicy>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (p.maxAge !== undefined && Number.isInteger(p.maxAge) && p.maxAge >= 0 && p.maxAge < SHORT_MAX_AGE) {
    diagnostics.push(
      risky(
        "mta-sts.policy-max-age-short",
        "warning",
        "max_age",
        `max_age ${p.maxAge} is under one day: a policy that expires quickly leaves senders unprotected between refreshes; the RFC expects weeks or more, e.g. 604800 (one week) or 31557600 (one year).`,
        RFC_POLICY,
      ),
    );
  }
  if ((p.mode === MtaStsMode.Enforce || p.mode === MtaStsMode.Testing) && (p.mx ?? []).length === 0) {
    diagnostics.push(invalid("mta-sts.policy-missing-mx", "mx", `mode ${p.mode} needs at least one "mx:" line naming the domain's MX hosts (or a "*." pattern covering them).`, RFC_POLICY));
  }
  const seen = new Set<string>();
  for (const m of p.mx ?? []) {
    if (seen.has(m)) diagnostics.push(risky("mta-sts.policy-duplicate-mx", "warning", "mx", `mx pattern ${m} is listed twice: list each pattern once.`, RFC_POLICY));
    seen.add(m);
  }
  return diagnostics;
}

/**
 * Check one `mx` pattern: a host name, optionally with `*.` replacing its leftmost label
 * (RFC 8461 §3.2, §4.1). `strictAscii` (policy files) demands A-labels; component arguments may be
 * given in Unicode and are converted.
 */
export function checkMxPattern(raw: string, field: string, opts: { strictAscii?: boolean } = {}): { pattern?: string; diagnostics: Diagnostic[] } {
  const fail = (why: string) => ({ diagnostics: [invalid("mta-sts.policy-mx-pattern", field, `mx pattern "${printable(raw)}" ${why}`, RFC_POLICY)] });
  if (typeof raw !== "string" || raw.trim() === "") return fail(`is empty: give an MX host name such as mx1.example.com, or *.example.com.`);
  const wildcard = raw.startsWith("*.");
  const rest = wildcard ? raw.slice(2) : raw;
  if (rest.includes("*")) return fail(`has a "*" that is not the whole leftmost label: only "*.example.com" style wildcards are allowed.`);
  if (opts.strictAscii && /[^\x00-\x7f]/.test(rest)) return fail(`is not ASCII: write internationalized names in their A-label (xn--) form.`);
  const n = normalizeName(rest, field, { hostname: true });
  if (n.diagnostics.length) return fail(`is not a host name: ${n.diagnostics[0].message}`);
  const diagnostics: Diagnostic[] = [];
  if (opts.strictAscii && /\.[ \t]*$/.test(raw)) {
    diagnostics.push(risky("mta-sts.policy-mx-trailing-dot", "warning", field, `mx pattern "${printable(raw)}" ends with a dot: senders compare it with the MX host name as text and may not match; remove the dot.`, RFC_POLICY));
  }
  return { pattern: wildcard ? `*.${n.name}` : n.name, diagnostics };
}

function modeError(field: string, value: string): Diagnostic {
  const lower = value.toLowerCase();
  const hint = MODES.includes(lower) ? ` (values are case-sensitive: write "${lower}")` : "";
  return invalid("mta-sts.policy-mode", field, `mode "${printable(value)}" is not enforce, testing or none${hint}: start with testing, then move to enforce.`, RFC_POLICY);
}

function maxAgeError(field: string, value: string): Diagnostic {
  return invalid("mta-sts.policy-max-age", field, `max_age "${printable(value)}" must be a whole number of seconds from 0 to 31557600 (one year), e.g. 604800 for one week.`, RFC_POLICY);
}
