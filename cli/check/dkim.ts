/**
 * DKIM key records of one domain (RFC 6376 §3.6.1, RFC 8301, RFC 8463): every selector the user gave (or the plan
 * declares) and a list of common selectors of mail servers and providers. Keys delegated by CNAME (Microsoft 365,
 * Amazon SES, Fastmail, Proton) are followed to their target.
 */
import { inspectDkimPublicKey, isDkimKeyRecord, parseDkim } from "../../components/records/dkim";
import { ownerNames } from "../../components/records/names";
import { DnsClient, Lookup, RecordData } from "./dns/resolver";
import { Finding, describeAbsence, dnsFailureFinding, finding, fromDiagnostic, joinedTxt } from "./findings";

/**
 * Selectors probed on every domain: hosting panels (cPanel/DirectAdmin `default`, VestaCP/Hestia `mail`, Plesk
 * `default`), Google Workspace, Microsoft 365, Mailchimp/Mandrill, SendGrid, Fastmail, Proton, Zoho, and common
 * hand-made names.
 */
export const COMMON_SELECTORS = [
  "default", "mail", "dkim", "google", "selector1", "selector2", "k1", "k2", "s1", "s2",
  "mandrill", "fm1", "fm2", "fm3", "protonmail", "protonmail2", "protonmail3", "zmail", "smtp",
] as const;

export interface DkimKey {
  selector: string;
  name: string;
  keyType: string;
  bits: number;
  testing: boolean;
  /** CNAME targets followed to reach the key. */
  chain: string[];
  given: boolean;
}

export interface DkimOutcome {
  findings: Finding[];
  /** Usable keys found (not revoked, no standard-breaking problem). */
  keys: DkimKey[];
  /** Given selectors without a usable key (missing, revoked, broken). */
  missing: string[];
  /** Given selectors whose lookup failed. */
  failed: string[];
  /** True when selectors were given (on the command line or by the plan). */
  given: boolean;
  /** Common selectors probed, and how many of those lookups failed (DNS failures: the key may exist unseen). */
  probed: number;
  probesFailed: number;
}

/**
 * parseDkim is pure and keys repeat across domains (shared provider keys, CNAME targets): keep recent results,
 * with the key's type and size (inspecting a 2048-bit key costs more than the DNS question that fetched it).
 */
interface ParsedKey {
  parsed: ReturnType<typeof parseDkim>;
  keyType: string;
  bits: number;
}
const parseCache = new Map<string, ParsedKey>();
function parseCached(text: string): ParsedKey {
  let p = parseCache.get(text);
  if (!p) {
    if (parseCache.size >= 512) parseCache.delete(parseCache.keys().next().value as string);
    const parsed = parseDkim(text);
    const keyType = parsed.model.keyType ?? "rsa";
    const usable = (parsed.model.publicKey ?? "") !== "" && !parsed.diagnostics.some((d) => d.breaksStandard);
    p = { parsed, keyType, bits: usable ? (inspectDkimPublicKey(parsed.model.publicKey!, keyType).key?.bits ?? 0) : 0 };
    parseCache.set(text, p);
  }
  return p;
}

const CONSEQUENCE = "Receivers cannot verify signatures made with this selector (DKIM temperror) and may defer the mail.";

export async function checkDkim(domain: string, dns: DnsClient, givenSelectors: readonly string[], probe = true): Promise<DkimOutcome> {
  const given = [...new Set(givenSelectors.map((s) => s.toLowerCase()))];
  const probed = probe ? COMMON_SELECTORS.filter((s) => !given.includes(s)) : [];
  const all = [...given.map((s) => ({ selector: s, given: true })), ...probed.map((s) => ({ selector: s, given: false }))];
  const lookups = await Promise.all(all.map((s) => dns.lookup(ownerNames.dkim(s.selector, domain), "TXT")));
  const out: DkimOutcome = { findings: [], keys: [], missing: [], failed: [], given: given.length > 0, probed: probed.length, probesFailed: 0 };
  const probeFailures: Array<{ selector: string; kind: string }> = [];
  const probedRevoked: string[] = [];
  let nsNote: Promise<string> | undefined;

  for (let i = 0; i < all.length; i++) {
    const { selector, given: isGiven } = all[i];
    const name = ownerNames.dkim(selector, domain);
    const l = lookups[i];
    if (l.status === "failed") {
      if (isGiven) {
        out.failed.push(selector);
        out.findings.push(dnsFailureFinding(l.failure, name, `DKIM key for selector ${selector}`, CONSEQUENCE));
      } else probeFailures.push({ selector, kind: l.failure.kind });
      continue;
    }
    const values = l.status === "ok" ? joinedTxt(l.records) : [];
    const keys = values.filter(isDkimKeyRecord);
    if (keys.length === 0) {
      if (!isGiven) continue;
      out.missing.push(selector);
      nsNote ??= servedBy(domain, dns);
      const why = l.status === "ok" && values.length > 0 ? `its TXT record is not a DKIM key ("${values[0].slice(0, 60)}")` : describeAbsence(l, "TXT");
      out.findings.push(
        finding(
          "dkim.missing",
          "error",
          `no DKIM key at ${name}: ${why}${await nsNote}${via(l)}. Every message signed with selector "${selector}" fails DKIM, and unless SPF passes and aligns Gmail answers 550-5.7.26. The usual cause: the key was generated in the hosting panel or mail server (cPanel, VestaCP, Plesk, the mail provider's console) and never copied to the DNS manager that serves ${domain}. Publish TXT ${name} with the "v=DKIM1; k=rsa; p=…" record the mail server shows.`,
          name,
          "RFC 6376 §3.6.2.2",
        ),
      );
      continue;
    }
    const context = `DKIM key ${selector} (${name}${l.chain.length ? ` → ${l.chain.join(" → ")}` : ""})`;
    if (keys.length > 1) {
      out.findings.push(finding("dkim.multiple-records", "warning", `${context}: ${keys.length} DKIM key records at one name; verifiers read one of them (which one is undefined), so signatures fail at random: keep one.`, name, "RFC 6376 §3.6.2.2"));
    }
    const { parsed, keyType, bits } = parseCached(keys[0]);
    const revoked = (parsed.model.publicKey ?? "") === "" && parsed.model.publicKey !== undefined;
    if (revoked && !isGiven && keys.length === 1 && parsed.diagnostics.every((d) => d.code === "dkim.revoked")) {
      // A revoked key at a probed selector says nothing about the mail the domain sends; collected into one note
      // (a wildcard "*._domainkey" revoked key, as parked domains publish, answers every probe alike).
      probedRevoked.push(selector);
      continue;
    }
    const diagnostics = parsed.diagnostics.map((d) => (isGiven && d.code === "dkim.revoked" ? { ...d, severity: "error" as const } : d));
    out.findings.push(...diagnostics.map((d) => fromDiagnostic(d, name, context)));
    const broken = parsed.diagnostics.some((d) => d.breaksStandard);
    if (revoked || broken) {
      if (isGiven) out.missing.push(selector);
      continue;
    }
    const testing = (parsed.model.flags ?? []).includes("y");
    out.keys.push({ selector, name, keyType, bits, testing, chain: l.chain, given: isGiven });
    const details = [
      keyType === "ed25519" ? "Ed25519" : `RSA ${bits}-bit`,
      parsed.model.hashAlgorithms ? `h=${parsed.model.hashAlgorithms.join(":")}` : "",
      testing ? "t=y (testing)" : "",
      l.chain.length ? `CNAME → ${l.chain.join(" → ")}` : "",
    ].filter(Boolean);
    out.findings.push(finding("dkim.found", "info", `DKIM key ${selector} at ${name}: ${details.join(", ")}${isGiven ? "" : " (found by probing common selectors)"}.`, name));
  }

  if (probedRevoked.length > 0) {
    out.findings.push(finding("dkim.revoked", "info", `the probed selector${probedRevoked.length > 1 ? "s" : ""} ${probedRevoked.join(", ")} of ${domain} ${probedRevoked.length > 1 ? "hold revoked keys" : "holds a revoked key"} (empty p=)${probedRevoked.length === probed.length ? ", as a revoked wildcard *._domainkey record gives" : ""}: signatures with ${probedRevoked.length > 1 ? "them" : "it"} fail.`, domain, "RFC 6376 §3.6.1"));
  }
    out.probesFailed = probeFailures.length;
  const failedSelectors = new Set(probeFailures.map((f) => f.selector));
  const answered = probed.filter((s) => !failedSelectors.has(s));
  const allFailed = probed.length > 0 && answered.length === 0;
  if (allFailed) {
    // No probe got an answer: nothing is known about the keys, so saying "none found" would mislead.
    out.findings.push(finding("dns.probe-failed", "warning", `could not look for DKIM keys of ${domain}: the lookups of all ${probed.length} common selectors failed (${summarizeFailures(probeFailures)}), so keys there may exist unseen. Check again when the DNS answers, or pass the selector with --selector.`, domain));
  } else if (probeFailures.length > 0) {
    out.findings.push(finding("dns.probe-failed", "warning", `probing common DKIM selectors of ${domain} failed for ${probeFailures.map((f) => `${f.selector} (${f.kind})`).join(", ")}: keys there may exist but could not be seen.`, domain));
  }
  if (out.keys.length === 0 && !out.given && !allFailed) {
    const where = probeFailures.length > 0 ? `the ${answered.length} common selectors of ${domain} that could be asked (${answered.join(", ")}; ${probeFailures.length} more could not be, see dns.probe-failed)` : `any of the ${probed.length} common selectors of ${domain} (${answered.join(", ")})`;
    out.findings.push(
      finding("dkim.not-found", "warning", `no DKIM key found at ${where}. If the mail server signs, pass its selector with --selector (the s= tag of a DKIM-Signature header in a message it sent); if it does not sign, Gmail and Yahoo require DKIM from bulk senders and forwarded mail fails DMARC without it.`, domain, "RFC 6376 §3.6.2.1"),
    );
  }
  return out;
}

/** "refused" or "refused 12, timeout 7": what went wrong, without repeating 19 selectors. */
function summarizeFailures(failures: ReadonlyArray<{ kind: string }>): string {
  const byKind = new Map<string, number>();
  for (const f of failures) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  return byKind.size === 1 ? [...byKind.keys()][0] : [...byKind].map(([k, n]) => `${k} ${n}`).join(", ");
}

function via(l: Lookup<RecordData["TXT"]>): string {
  return l.chain.length ? ` (reached through CNAME ${l.chain.join(" → ")})` : "";
}

/** ", in the DNS served by ns1…, ns2…" when the domain's NS records are visible; "" otherwise. */
async function servedBy(domain: string, dns: DnsClient): Promise<string> {
  const ns = await dns.lookup(domain, "NS");
  if (ns.status !== "ok" || ns.records.length === 0) return "";
  return ` in the DNS served by ${[...ns.records].sort().join(", ")}`;
}
