/**
 * What the mapping of one zone shares: the records by name, the mail domains being built, the
 * findings, and the counts for the summary line. Every rule module reports through it.
 */
import { ImportFinding, finding } from "../findings";
import { ZoneRecord, describeRecord } from "../zonefile";
import { DomainBuild, NameRecords, place } from "./model";

export class MapContext {
  readonly findings: ImportFinding[] = [];
  readonly names = new Map<string, NameRecords>();
  readonly builds = new Map<string, DomainBuild>();
  readonly notMail = new Map<string, ZoneRecord[]>();
  leftOutMail = 0;
  imported = 0;
  /** Codes already reported per domain, so the planner's repeats of them are not printed twice. */
  readonly codesByDomain = new Map<string, Set<string>>();

  constructor(readonly apex: string) {}

  domainBuild(domain: string): DomainBuild {
    let b = this.builds.get(domain);
    if (!b) {
      b = { domain, mx: [], txt: [], dkim: new Map(), dmarc: [], mtaSts: [], tlsRpt: [], bimi: new Map() };
      this.builds.set(domain, b);
    }
    return b;
  }

  notMailRecord(r: ZoneRecord): void {
    const list = this.notMail.get(r.type) ?? [];
    list.push(r);
    this.notMail.set(r.type, list);
  }

  leftOut(r: ZoneRecord, reason: string, severity: "error" | "warning" | "info" = "warning"): void {
    this.leftOutMail++;
    this.report([finding("import.left-out", severity, `${describeRecord(r, 80)} is left out: ${reason}.`, place(r))]);
  }

  report(list: ImportFinding[], domain?: string): void {
    this.findings.push(...list);
    if (domain) {
      const set = this.codesByDomain.get(domain) ?? new Set<string>();
      for (const f of list) set.add(f.code);
      this.codesByDomain.set(domain, set);
    }
  }
}
