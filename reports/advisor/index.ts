/**
 * The advisor: from what the store holds about a domain, what DNS says about its sources and what the plan
 * declares, the senders and the verdict. Pure; cli/reports/advise/ gathers the inputs.
 */
import { addFixes } from "./fixes";
import type { AdvisorOptions, Declaration, DomainEvidence, IpFacts, MtaStsVerdict, Sender, TlsEvidence, Verdict } from "./model";
import { mtaStsVerdict } from "./mta-sts";
import { groupSenders } from "./senders";
import { domainVerdict } from "./verdict";

export * from "./model";
export { applyChange, renderChange, type ArgChange, type Placeholder } from "./change";
export { declaredDomains, readDeclarations, policyTextsIn } from "./declaration";
export { SENDING_SERVICES, type SendingService } from "./services";

export interface DomainAdvice {
  senders: Sender[];
  verdict: Verdict;
}

export function adviseDomain(ev: DomainEvidence, facts: ReadonlyMap<string, IpFacts>, declaration: Declaration | undefined, opts: AdvisorOptions): DomainAdvice {
  const { senders, classified } = groupSenders(ev, facts, declaration);
  addFixes(ev.domain, senders, classified, declaration, new Date(ev.end * 1000).getUTCFullYear());
  return { senders, verdict: domainVerdict(ev, senders, classified, declaration, opts) };
}

export function adviseTls(ev: TlsEvidence, declaration: Declaration | undefined, opts: AdvisorOptions): MtaStsVerdict {
  return mtaStsVerdict(ev, declaration, opts);
}
