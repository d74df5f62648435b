/**
 * One domain's check: every record kind at once (their questions go out together through the shared resolver),
 * then the verdict. A domain that does not exist gets that one finding, not a cascade of "missing" ones.
 */
import { authorizesSomeSender } from "../../components/records/spf";
import { DnsClient } from "./dns/resolver";
import { checkDkim } from "./dkim";
import { checkDmarc } from "./dmarc";
import { ExpectedRecordSet, compareExpected, planSelectors } from "./expect";
import { checkBimi, checkTlsRpt } from "./extras";
import { checkMtaSts, MtaStsCheckOptions, MtaStsVerdict } from "./mta-sts";
import { trustStore } from "./mta-sts/tls-peer";
import { Finding, dedupeFindings, finding } from "./findings";
import { checkMx } from "./mx";
import { checkParked } from "./parked";
import { checkReverseDns } from "./rdns";
import { checkSpf } from "./spf";
import { Verdict, verdictFor } from "./verdict";
import type { ReportsNote } from "./reports-note";

export interface DomainResult {
  domain: string;
  ok: boolean;
  findings: Finding[];
  verdict?: Verdict;
  /** Whether MTA-STS can enforce: the policy, the MX hosts' STARTTLS, TLS-RPT. */
  mtaSts?: MtaStsVerdict;
  /** With --db: the report advisor's verdicts for the domain's stored reports. */
  reports?: ReportsNote;
}

export interface DomainCheckOptions {
  selectors: readonly string[];
  ip?: string;
  helo?: string;
  mailFrom?: string;
  /** Record sets the plan declares for this domain (--expect). */
  expected?: readonly ExpectedRecordSet[];
  /** Probe the common DKIM selectors (default true). */
  probe?: boolean;
  /** The MTA-STS policy fetch and STARTTLS probes; default: system trust store, ports 443 and 25, probing when MTA-STS is published. */
  mtaSts?: MtaStsCheckOptions;
  /** --parked: the domain is asserted to be parked; each missing part of the pattern is an error. */
  parked?: boolean;
}

// `ca` replaces Node's roots when given, so the default must hold them (an empty list would trust nothing).
const DEFAULT_MTA_STS: MtaStsCheckOptions = { timeout: 3000, httpsPort: 443, smtpPort: 25, ca: trustStore([]), smtp: "auto" };

export async function checkDomain(domain: string, dns: DnsClient, opts: DomainCheckOptions): Promise<DomainResult> {
  const selectors = [...opts.selectors, ...(opts.expected ? planSelectors(opts.expected, domain) : [])];
  const mxP = checkMx(domain, dns);
  const spfP = checkSpf(domain, dns, { ip: opts.ip, helo: opts.helo, mailFrom: opts.mailFrom });
  const dkimP = checkDkim(domain, dns, selectors, opts.probe ?? true);
  const dmarcP = checkDmarc(domain, dns);
  const tlsRptP = checkTlsRpt(domain, dns);
  const mtaStsP = checkMtaSts(domain, dns, mxP, tlsRptP.then((t) => ({ published: t.published, rua: t.rua?.join(", ") })), opts.mtaSts ?? DEFAULT_MTA_STS);
  const bimiP = checkBimi(domain, dns, dmarcP);
  const rdnsP = opts.ip ? checkReverseDns(opts.ip, dns) : undefined;
  const expectP = opts.expected ? compareExpected(domain, opts.expected, dns) : undefined;
  const [mx, spf, dkim, dmarc, mtaSts, tlsRpt, bimi, rdns, expected] = await Promise.all([mxP, spfP, dkimP, dmarcP, mtaStsP, tlsRptP, bimiP, rdnsP, expectP]);

  let findings: Finding[];
  if (mx.nxdomain) {
    findings = [...mx.findings, ...(expected ?? []).filter((f) => f.severity !== "info")];
  } else {
    findings = [...mx.findings, ...spf.findings, ...dkim.findings, ...dmarc.findings, ...mtaSts.findings, ...tlsRpt.findings, ...bimi, ...(rdns?.findings ?? []), ...(expected ?? [])];
    if (mx.nullMx && ((spf.model && authorizesSomeSender(spf.model)) || dkim.keys.length > 0)) {
      findings.push(finding("mx.null-mx-sender", "warning", `${domain} publishes a null MX (it accepts no mail) yet has SPF senders or DKIM keys: receivers may reject its mail with 550 5.7.27 because replies and bounces cannot reach it. Remove the null MX if the domain sends mail.`, domain, "RFC 7505 §4.2"));
    }
  }
  const parked = mx.nxdomain ? undefined : await checkParked(domain, dns, { mx, spf, dkim, dmarc }, opts.parked ?? false);
  if (parked?.parked) findings = findings.filter((f) => f.code !== "dkim.not-found"); // a parked domain signs nothing
  if (parked) findings.push(...parked.findings);
  findings = dedupeFindings(findings);
  const verdict = verdictFor({ domain, ip: opts.ip, mx, spf, dkim, dmarc, rdns, parked });
  return { domain, ok: !findings.some((f) => f.severity === "error"), findings, verdict, ...(mtaSts.verdict && !mx.nxdomain ? { mtaSts: mtaSts.verdict } : {}) };
}
