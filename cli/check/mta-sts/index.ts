/**
 * MTA-STS of one domain, end to end (RFC 8461): the `_mta-sts` TXT record, the policy fetched over HTTPS from
 * mta-sts.<domain> and validated by the core, its `mx` patterns against the live MX hosts, a STARTTLS probe of
 * every address of every MX host, and the verdict on `mode: enforce`.
 *
 * Severity of what the probe finds on an MX host: an error when the live policy enforces (MTA-STS senders refuse
 * to deliver to that host now), a warning otherwise (they would once the mode is enforce). A host that cannot be
 * reached from here is a warning either way: port 25 is often blocked outbound, which proves nothing about the MX.
 */
import { checkEnforceMaxAge, isMtaStsTxtRecord, MtaStsPolicy, parseMtaStsPolicy, parseMtaStsTxt, uncoveredMxHosts } from "../../../components/records/mta-sts";
import { ownerNames } from "../../../components/records/names";
import { leadingVersion } from "../../../components/records/tags";
import type { Severity } from "../../../components/records/diagnostics";
import { DnsClient } from "../dns/resolver";
import { Finding, dnsFailureFinding, finding, fromDiagnostic, joinedTxt } from "../findings";
import type { MxOutcome } from "../mx";
import { fetchPolicy, FetchResult } from "./policy-fetch";
import { probeSmtp, SmtpProbeResult } from "./smtp-probe";
import { hostReport, mtaStsVerdict, MtaStsVerdict, VerdictInput } from "./verdict";
import { pool } from "../../pool";

export type { MtaStsVerdict } from "./verdict";

/** When to probe the MX hosts over SMTP: `auto` when the domain publishes MTA-STS, `on` always, `off` never. */
export type SmtpProbing = "auto" | "on" | "off";

export interface MtaStsCheckOptions {
  timeout: number;
  httpsPort: number;
  smtpPort: number;
  /** Trusted roots: Node's plus --ca. */
  ca: string[];
  smtp: SmtpProbing;
  /** Probes in flight at once per domain. */
  concurrency?: number;
  now?: () => Date;
}

export interface MtaStsOutcome {
  findings: Finding[];
  verdict?: MtaStsVerdict;
}

export interface TlsRptState {
  published: boolean;
  rua?: string;
}

const FIX: Record<string, string> = {
  expired: "Renew it (certbot renew, or the provider's console) and reload the mail server.",
  "not-yet-valid": "Check the server's clock and the certificate's start date; install one that is valid now.",
  untrusted: "Install a certificate from a public certificate authority (Let's Encrypt works) with its full chain (the intermediate certificates too).",
  "name-mismatch": "Get a certificate whose subjectAltName includes the MX host name (or a *. wildcard one label above it), or point the MX record at a name the certificate has.",
};

const SMTP_CODE: Record<string, string> = {
  expired: "smtp.certificate-expired",
  "not-yet-valid": "smtp.certificate-not-yet-valid",
  untrusted: "smtp.certificate-untrusted",
  "name-mismatch": "smtp.certificate-name-mismatch",
};

export async function checkMtaSts(domain: string, dns: DnsClient, mxP: Promise<MxOutcome>, tlsRptP: Promise<TlsRptState>, opts: MtaStsCheckOptions): Promise<MtaStsOutcome> {
  const name = ownerNames.mtaSts(domain);
  const host = ownerNames.mtaStsPolicyHost(domain);
  const out: Finding[] = [];
  const l = await dns.lookup(name, "TXT");
  if (l.status === "failed") {
    return { findings: [dnsFailureFinding(l.failure, name, "MTA-STS record", "Senders treat the domain as having no MTA-STS policy for now.", "warning")] };
  }
  const values = l.status === "ok" ? joinedTxt(l.records) : [];
  const sts = values.filter(isMtaStsTxtRecord);
  const attempts = values.filter((v) => (leadingVersion(v) ?? "").toLowerCase().startsWith("sts") && !sts.includes(v));
  const mx = await mxP;
  const tlsRpt = await tlsRptP;
  if (mx.nxdomain) return { findings: [] };
  if (mx.nullMx) {
    // A domain that receives no mail has nothing for MTA-STS to protect.
    return { findings: sts.length ? [finding("mta-sts.null-mx", "warning", `${domain} publishes a null MX (it accepts no mail) and an MTA-STS record at ${name}: the policy protects nothing. Remove the record.`, name, "RFC 8461 §3; RFC 7505 §3")] : [] };
  }

  const verdictInput: VerdictInput = { domain, published: sts.length + attempts.length > 0, uncovered: [], hosts: [], tlsRpt };
  if (sts.length === 0 && attempts.length === 0) {
    out.push(finding("mta-sts.none", "info", `no MTA-STS record at ${name}: senders may deliver to ${domain} over TLS that an attacker on the path can strip. Publish one (with the policy at https://${host}/.well-known/mta-sts.txt) in testing mode first.`, name, "RFC 8461 §3.1"));
  } else if (sts.length > 1) {
    out.push(finding("mta-sts.multiple-records", "error", `${sts.length} MTA-STS records at ${name}: senders then assume the domain has no MTA-STS policy. Keep one.`, name, "RFC 8461 §3.1"));
    verdictInput.notInEffect = `${name} has ${sts.length} MTA-STS records`;
  } else {
    const text = sts[0] ?? attempts[0];
    const parsed = parseMtaStsTxt(text);
    out.push(...parsed.diagnostics.map((d) => fromDiagnostic(d, name, `MTA-STS at ${name}`)));
    if (parsed.diagnostics.some((d) => d.severity === "error")) verdictInput.notInEffect = `the record at ${name} is invalid`;
    const policy = await fetchAndValidate(domain, host, dns, opts, out);
    verdictInput.policyUrl = policy.url;
    verdictInput.notInEffect ??= policy.notInEffect;
    if (policy.model) {
      verdictInput.mode = policy.model.mode;
      if (policy.model.mode !== "none") verdictInput.uncovered = checkCoverage(domain, policy.model, mx, out);
    }
    out.push(finding("mta-sts.found", "info", `MTA-STS at ${name}: "${text}"; policy host ${host}.`, name));
  }

  // The STARTTLS probes.
  const probe = opts.smtp === "on" || (opts.smtp === "auto" && verdictInput.published);
  if (!probe) {
    verdictInput.notProbed = opts.smtp === "off" ? "the MX hosts were not probed (--no-smtp)" : "the MX hosts were not probed (the domain publishes no MTA-STS; --smtp probes anyway)";
    if (opts.smtp === "off") out.push(finding("smtp.not-probed", "info", `the STARTTLS of ${domain}'s MX hosts was not checked (--no-smtp): whether enforce is safe is not proven.`, domain));
  } else if (mx.hosts.length === 0) {
    verdictInput.notProbed = mx.implicit ? `${domain} has no MX record to probe` : "no MX host could be probed";
  } else {
    const results = await probeHosts(mx.hosts, dns, opts);
    const severity: Severity = verdictInput.mode === "enforce" && !verdictInput.notInEffect ? "error" : "warning";
    for (const r of results) out.push(...probeFindings(r, severity));
    verdictInput.hosts = results.map(hostReport);
    for (const h of mx.hosts) {
      if (!results.some((r) => r.host === h)) verdictInput.hosts.push({ host: h, address: "", ok: false, problems: [], unprobed: `${h} has no address to probe` });
    }
  }
  const verdict = mtaStsVerdict(verdictInput);
  return { findings: out, verdict };
}

interface PolicyState {
  url: string;
  model?: MtaStsPolicy;
  notInEffect?: string;
}

async function fetchAndValidate(domain: string, host: string, dns: DnsClient, opts: MtaStsCheckOptions, out: Finding[]): Promise<PolicyState> {
  const url = `https://${host}${opts.httpsPort === 443 ? "" : `:${opts.httpsPort}`}/.well-known/mta-sts.txt`;
  const [a, aaaa] = await Promise.all([dns.lookup(host, "A"), dns.lookup(host, "AAAA")]);
  const addrs = [...(a.status === "ok" ? a.records : []), ...(aaaa.status === "ok" ? aaaa.records : [])];
  if (addrs.length === 0) {
    const failed = [a, aaaa].find((x) => x.status === "failed");
    if (failed && failed.status === "failed") {
      out.push(dnsFailureFinding(failed.failure, host, "the MTA-STS policy host's address", "Senders cannot fetch the policy until it resolves.", "error"));
      return { url, notInEffect: `the address of ${host} cannot be looked up` };
    }
    out.push(finding("mta-sts.policy-host-missing", "error", `the MTA-STS record says a policy exists, but ${host} has no A/AAAA record, so senders cannot fetch ${url} and treat the domain as having no policy: publish the policy host (mtaSts.hosting serves it for you on Cloudflare and AWS).`, host, "RFC 8461 §3.3"));
    return { url, notInEffect: `${host} has no address` };
  }
  const r = await fetchPolicy(host, addrs, { port: opts.httpsPort, timeout: opts.timeout, ca: opts.ca, now: opts.now });
  const notInEffect = reportFetch(r, host, out);
  if (r.body === undefined) return { url, notInEffect: notInEffect ?? `the policy at ${url} cannot be fetched` };
  const parsed = parseMtaStsPolicy(r.body);
  out.push(...parsed.diagnostics.map((d) => fromDiagnostic(d, url, `MTA-STS policy at ${url}`)));
  const m = parsed.model;
  const valid = !parsed.diagnostics.some((d) => d.severity === "error") && m.mode !== undefined && m.maxAge !== undefined;
  if (!valid) return { url, notInEffect: notInEffect ?? `the policy at ${url} is invalid` };
  const model = m as MtaStsPolicy;
  out.push(...checkEnforceMaxAge(model.mode, model.maxAge, "max_age").map((d) => fromDiagnostic(d, url, `MTA-STS policy at ${url}`)));
  if (model.mode === "none") {
    out.push(finding("mta-sts.mode-none", "warning", `the policy at ${url} has mode: none: senders drop MTA-STS for ${domain}, as when withdrawing it. To protect the domain, publish mode: testing, then enforce, with a new id.`, url, "RFC 8461 §5; RFC 8461 §8.3"));
  } else if (model.mode === "testing") {
    out.push(finding("mta-sts.mode-testing", "info", `the policy at ${url} has mode: testing: senders deliver even when TLS fails and only report it (TLS-RPT). Switch to enforce once the verdict below says it is safe.`, url, "RFC 8461 §5"));
  }
  out.push(finding("mta-sts.policy-fetched", "info", `MTA-STS policy at ${url} (from ${r.address}, ${r.peer?.protocol ?? "TLS"}): mode ${model.mode}, mx ${model.mx.join(", ") || "(none)"}, max_age ${model.maxAge}.`, url));
  return { url, model, notInEffect };
}

/** Findings of a fetch; returns why senders would not use the policy, if they would not. */
function reportFetch(r: FetchResult, host: string, out: Finding[]): string | undefined {
  const rfc = "RFC 8461 §3.3";
  let notInEffect: string | undefined;
  const where = `${r.url}${r.address ? ` (${r.address})` : ""}`;
  if (r.peer?.problems.length) {
    for (const p of r.peer.problems) {
      out.push(finding("mta-sts.policy-certificate", "error", `the policy host ${host}: ${p.message}. Senders refuse to fetch ${r.url} and treat the domain as having no policy. ${FIX[p.kind]}`, host, `${rfc}; RFC 6125 §6.4`));
    }
    notInEffect = `the certificate of ${host} is not valid for senders (${r.peer.problems[0].message})`;
  }
  for (const p of r.problems) {
    switch (p.kind) {
      case "unreachable":
        out.push(finding("mta-sts.policy-unreachable", "error", `the MTA-STS record announces a policy, but ${r.url} cannot be fetched: ${p.message}. Senders treat the domain as having no policy. Serve it (mtaSts.hosting does on Cloudflare and AWS), or remove the record.`, host, rfc));
        notInEffect ??= `${r.url} cannot be fetched (${p.message})`;
        break;
      case "tls":
        out.push(finding("mta-sts.policy-tls-failed", "error", `the TLS handshake with ${where} fails: ${p.message}. Senders cannot fetch the policy.`, host, rfc));
        notInEffect ??= `the TLS handshake with ${host} fails`;
        break;
      case "redirect":
        out.push(finding("mta-sts.policy-redirect", "error", `${where} ${p.message}: senders must not follow redirects, so they see no policy. Serve the file itself at this URL.`, host, rfc));
        notInEffect ??= `${r.url} redirects`;
        break;
      case "status":
        out.push(finding("mta-sts.policy-http-status", "error", `${where} ${p.message}, not 200: senders see no policy. Serve the file at /.well-known/mta-sts.txt.`, host, rfc));
        notInEffect ??= `${r.url} ${p.message}`;
        break;
      case "content-type":
        out.push(finding("mta-sts.policy-content-type", "error", `${where} ${p.message}, not text/plain: senders check the media type and refuse the policy. Serve it with Content-Type: text/plain.`, host, rfc));
        notInEffect ??= `${r.url} is not served as text/plain`;
        break;
      case "too-large":
        out.push(finding("mta-sts.policy-too-large", "error", `${where} ${p.message}. Serve only the policy file (a few lines).`, host, rfc));
        notInEffect ??= `${r.url} is larger than 64 KiB`;
        break;
    }
  }
  return notInEffect;
}

function checkCoverage(domain: string, policy: MtaStsPolicy, mx: MxOutcome, out: Finding[]): string[] {
  const uncovered = uncoveredMxHosts(policy.mx, mx.hosts);
  for (const h of uncovered) {
    const effect = policy.mode === "enforce" ? "senders that apply MTA-STS refuse to deliver to it now" : "senders report every delivery to it as a failure, and stop delivering once the mode is enforce";
    out.push(finding("mta-sts.mx-not-covered", policy.mode === "enforce" ? "error" : "warning", `MX host ${h} of ${domain} matches no mx pattern of the policy (${policy.mx.join(", ") || "none"}): ${effect}. Add "mx: ${h}" to the policy (and change the id), or fix the MX record.`, domain, "RFC 8461 §4.1"));
  }
  return uncovered;
}

async function probeHosts(hosts: readonly string[], dns: DnsClient, opts: MtaStsCheckOptions): Promise<SmtpProbeResult[]> {
  const targets: { host: string; address: string }[] = [];
  const lookups = await Promise.all(hosts.map((h) => Promise.all([dns.lookup(h, "A"), dns.lookup(h, "AAAA")])));
  hosts.forEach((h, i) => {
    for (const l of lookups[i]) if (l.status === "ok") for (const address of l.records) targets.push({ host: h, address });
  });
  return pool(targets, opts.concurrency ?? 8, (t) => probeSmtp(t.host, t.address, { port: opts.smtpPort, timeout: opts.timeout, ca: opts.ca, now: opts.now }));
}

function probeFindings(r: SmtpProbeResult, severity: Severity): Finding[] {
  const rfc = "RFC 8461 §4.2";
  const at = `${r.host} (${r.address})`;
  const out: Finding[] = [];
  if (r.failure) {
    switch (r.failure.kind) {
      case "unreachable":
      case "refused":
        out.push(finding(`smtp.${r.failure.kind}`, "warning", `${r.failure.message}. The STARTTLS of ${at} is unproven: probe from a network where outbound port 25 is open (or give --no-smtp).`, r.host, "RFC 5321 §3.1"));
        break;
      case "no-starttls":
        out.push(finding("smtp.starttls-missing", severity, `${r.failure.message}: MTA-STS senders refuse to deliver to a host without TLS${severity === "error" ? " (the policy enforces: they refuse now)" : " once the policy enforces"}. Enable TLS in the mail server (Postfix: smtpd_tls_security_level = may with smtpd_tls_chain_files; Exim: tls_advertise_hosts = * with tls_certificate).`, r.host, "RFC 3207; RFC 8461 §4.2"));
        break;
      case "handshake":
        out.push(finding("smtp.tls-handshake-failed", severity, `${r.failure.message}. MTA-STS senders cannot deliver to ${at} over TLS. Check the server's TLS configuration (certificate and key files, protocols, ciphers).`, r.host, "RFC 3207; RFC 8461 §4.2"));
        break;
    }
    return out;
  }
  const t = r.tls!;
  for (const p of t.problems) {
    out.push(finding(SMTP_CODE[p.kind], severity, `MX host ${at}: ${p.message}. MTA-STS senders ${severity === "error" ? "refuse to deliver to it now (the policy enforces)" : "will refuse to deliver to it once the policy enforces"}. ${FIX[p.kind]}`, r.host, p.kind === "name-mismatch" ? `${rfc}; RFC 6125 §6.4` : rfc));
  }
  if (t.oldVersion) {
    out.push(finding("smtp.tls-version-old", severity, `MX host ${at} speaks only ${t.protocol}: TLS below 1.2 is deprecated (RFC 8996) and current senders' TLS libraries refuse it, so under MTA-STS enforce they cannot deliver. Enable TLS 1.2 and 1.3 (Postfix: smtpd_tls_protocols = >=TLSv1.2).`, r.host, "RFC 8996; RFC 8461 §4.2"));
  }
  if (t.problems.length === 0 && !t.oldVersion && t.certificate) {
    out.push(finding("smtp.tls-ok", "info", `MX host ${at}: STARTTLS, ${t.protocol}, certificate for ${t.certificate.names.join(", ")} issued by ${t.certificate.issuer}, valid until ${t.certificate.validTo.slice(0, 10)}.`, r.host));
  }
  return out;
}
