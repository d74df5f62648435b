/**
 * Parked domains in live DNS: the evidence the other checks gathered, judged by the core's pattern
 * (components/records/parked.ts), plus the one question only a parked domain needs, its wildcard DKIM key.
 * `--parked` asserts the pattern: each missing part is then an error.
 */
import { isDkimKeyRecord, parseDkim } from "../../components/records/dkim";
import type { DmarcPolicy } from "../../components/records/enums";
import { ParkedAssessment, ParkedEvidence, assessParked, parkedDiagnostics } from "../../components/records/parked";
import { DnsClient } from "./dns/resolver";
import type { DkimOutcome } from "./dkim";
import type { DmarcOutcome } from "./dmarc";
import { Finding, finding, joinedTxt } from "./findings";
import type { MxOutcome } from "./mx";
import type { SpfOutcome } from "./spf";

export interface ParkedOutcome {
  assessment: ParkedAssessment;
  /** --parked was given. */
  asserted: boolean;
  /** The domain neither receives nor sends (by the pattern, asserted or not): its verdict is "parked". */
  parked: boolean;
  findings: Finding[];
}

export async function checkParked(
  domain: string,
  dns: DnsClient,
  seen: { mx: MxOutcome; spf: SpfOutcome; dkim: DkimOutcome; dmarc: DmarcOutcome },
  asserted: boolean,
): Promise<ParkedOutcome | undefined> {
  const evidence = evidenceOf(seen);
  let assessment = assessParked(domain, evidence);
  if (!asserted && !assessment.looksParked) return undefined;
  // A literal question for the wildcard owner returns the wildcard's own records (RFC 4592 §2.2.1).
  const wildcard = await dns.lookup(`*._domainkey.${domain}`, "TXT");
  if (wildcard.status !== "failed") {
    const values = wildcard.status === "ok" ? joinedTxt(wildcard.records).filter(isDkimKeyRecord) : [];
    evidence.dkimWildcardRevoked = values.length > 0 && values.every((v) => parseDkim(v).model.publicKey === "");
    assessment = assessParked(domain, evidence);
  }
  const findings = parkedDiagnostics(domain, assessment, asserted).map((d) => finding(d.code, d.severity, d.message, domain, d.rfc));
  return { assessment, asserted, parked: assessment.looksParked, findings };
}

function evidenceOf({ mx, spf, dkim, dmarc }: { mx: MxOutcome; spf: SpfOutcome; dkim: DkimOutcome; dmarc: DmarcOutcome }): ParkedEvidence {
  const allProbesFailed = !dkim.given && dkim.probed > 0 && dkim.probesFailed === dkim.probed;
  return {
    mx: mx.temperror ? undefined : mx.records,
    spf: spf.temperror ? undefined : spf.model && !spf.syntaxError ? spf.model : null,
    dmarc: dmarc.temperror
      ? undefined
      : dmarc.missing || !dmarc.model
        ? null
        : // Inherited from the organizational domain, its sp= already is the policy that applies here.
          { p: dmarc.policy as DmarcPolicy | undefined, sp: dmarc.inherited ? undefined : dmarc.model.sp, np: dmarc.inherited ? undefined : dmarc.model.np, pct: dmarc.pct },
    dkimKeys: allProbesFailed ? undefined : dkim.keys.length,
  };
}
