/**
 * Zone records → `MailDomain` args, one entry per mail domain of the zone.
 *
 * Every rule comes from the core (components/records/): the importer only decides which record
 * goes where, calls the core's parsers, validators and reverse mappings (`spfToPolicy`), and
 * reports what they say with the record's line. The result is then planned with the component's
 * own planner (`planMailDomain`), so the printed args are exactly what the component accepts, and
 * anything it would refuse is reported.
 *
 * A mail domain is any name with MX or SPF records, and any name D with `_dmarc.D`,
 * `<selector>._domainkey.D`, `_mta-sts.D`, `_smtp._tls.D` or `<selector>._bimi.D` records: an
 * Amazon SES MAIL FROM subdomain with its own MX and SPF becomes its own entry.
 */
import type { Diagnostic } from "../../components/records/diagnostics";
import { DEFAULT_TTL, planMailDomain } from "../../components/plan/plan";
import { BimiArgs, DkimArgs, MailRecordsArgs, MtaStsArgs, MxHostArgs, TlsRptArgs } from "../../components/plan/args";
import { MailPlan } from "../../components/plan/model";
import { BIMI_VERSION, parseBimi } from "../../components/records/bimi";
import { isDkimKeyRecord, parseDkim, publicKeyToDkim } from "../../components/records/dkim";
import { checkDmarcRecordSet, isDmarcRecord, parseDmarc } from "../../components/records/dmarc";
import { MtaStsMode, SpfAll } from "../../components/records/enums";
import { isMtaStsTxtRecord, parseMtaStsTxt, STS_VERSION } from "../../components/records/mta-sts";
import { MxRecord, parseMx, validateMxSet } from "../../components/records/mx";
import { fqdn, isWithin, validateSelector } from "../../components/records/names";
import { checkSpfRecordSet, describeLookalike, isSpfRecord, parseSpf, selectSpfRecords, spfToPolicy } from "../../components/records/spf";
import { meantAs } from "../../components/records/tags";
import { isTlsRptRecord, parseTlsRpt, TLSRPT_VERSION } from "../../components/records/tls-rpt";
import { MAX_STRING_OCTETS, joinTxt, parseTxtRdata } from "../../components/records/txt";
import { dmarcToArgs } from "./dmarc";
import { ImportFinding, Place, finding, located } from "./findings";
import { presetHints } from "./presets";
import { ZoneRecord, describeRecord, resolveName } from "./zonefile";

/** One imported mail domain. */
export interface ImportedDomain {
  args: MailRecordsArgs;
  /** The zone records its args came from. */
  records: ZoneRecord[];
  /** The component's plan of the args (errors are reported as findings too). */
  plan: MailPlan;
}

export interface ImportResult {
  apex: string;
  /** The apex first, then the other mail domains by name. */
  domains: ImportedDomain[];
  findings: ImportFinding[];
  /** Records that went into args. */
  importedRecords: number;
  /** Mail-related records left out, each reported with its reason. */
  leftOutMail: number;
  /** Other records (A, NS, SRV, …), reported as one summary line per type. */
  leftOutOther: number;
}

interface Txt {
  record: ZoneRecord;
  /** The strings joined: the logical value mail software reads (RFC 7208 §3.3, RFC 6376 §3.6.2.2). */
  value: string;
  strings: string[];
}

interface NameRecords {
  name: string;
  mx: ZoneRecord[];
  txt: Txt[];
  cname: ZoneRecord[];
  other: ZoneRecord[];
}

interface DomainBuild {
  domain: string;
  mx: ZoneRecord[];
  txt: Txt[];
  dkim: Map<string, { txt: Txt[]; cname: ZoneRecord[] }>;
  dmarc: Txt[];
  mtaSts: Txt[];
  tlsRpt: Txt[];
  bimi: Map<string, Txt[]>;
}

type NameKind =
  | { kind: "plain" }
  | { kind: "dmarc"; domain: string }
  | { kind: "report-authorization"; domain: string }
  | { kind: "domainkeys-policy"; domain: string }
  | { kind: "adsp"; domain: string }
  | { kind: "dkim"; domain: string; selector: string }
  | { kind: "mta-sts"; domain: string }
  | { kind: "tls-rpt"; domain: string }
  | { kind: "bimi"; domain: string; selector: string };

/** Where a mail record lives, by its owner name (RFC 7489 §6.1, RFC 6376 §3.6.2.1, RFC 8461 §3.1, RFC 8460 §3). */
export function classifyName(name: string): NameKind {
  let m = /^(.+)\._report\._dmarc\.(.+)$/.exec(name);
  if (m) return { kind: "report-authorization", domain: m[2] };
  if ((m = /^_dmarc\.(.+)$/.exec(name))) return { kind: "dmarc", domain: m[1] };
  if ((m = /^_adsp\._domainkey\.(.+)$/.exec(name))) return { kind: "adsp", domain: m[1] };
  if ((m = /^_domainkey\.(.+)$/.exec(name))) return { kind: "domainkeys-policy", domain: m[1] };
  if ((m = /^(.+?)\._domainkey\.(.+)$/.exec(name))) return { kind: "dkim", domain: m[2], selector: m[1] };
  if ((m = /^_mta-sts\.(.+)$/.exec(name))) return { kind: "mta-sts", domain: m[1] };
  if ((m = /^_smtp\._tls\.(.+)$/.exec(name))) return { kind: "tls-rpt", domain: m[1] };
  if ((m = /^(.+?)\._bimi\.(.+)$/.exec(name))) return { kind: "bimi", domain: m[2], selector: m[1] };
  return { kind: "plain" };
}

const place = (r: ZoneRecord): Place => ({ file: r.file, line: r.line, owner: r.owner });

/** Map the records of one zone. Pure; never throws on the records' content. */
export function mapZone(apex: string, records: readonly ZoneRecord[]): ImportResult {
  return new Mapper(apex).run(records);
}

class Mapper {
  readonly findings: ImportFinding[] = [];
  private readonly names = new Map<string, NameRecords>();
  private readonly builds = new Map<string, DomainBuild>();
  private readonly notMail = new Map<string, ZoneRecord[]>();
  private leftOutMail = 0;
  private imported = 0;
  /** Codes already reported per domain, so the planner's repeats of them are not printed twice. */
  private readonly codesByDomain = new Map<string, Set<string>>();

  constructor(private readonly apex: string) {}

  run(records: readonly ZoneRecord[]): ImportResult {
    for (const r of records) this.index(r);
    this.collectDomains();
    for (const n of this.names.values()) this.route(n);
    const domains = [...this.builds.values()]
      .sort((a, b) => (a.domain === this.apex ? -1 : b.domain === this.apex ? 1 : a.domain.localeCompare(b.domain)))
      .map((b) => this.build(b))
      // A name whose every mail record was left out (an SPF look-alike alone) declares nothing.
      .filter((d) => Object.keys(d.args).some((k) => k !== "domain" && k !== "ttl"));
    this.summarizeNotMail();
    if (domains.length === 0) {
      this.findings.push(finding("import.no-mail-records", "warning", `the zone ${this.apex} has no mail records (MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, BIMI): nothing to import.`, {}));
    }
    const leftOutOther = [...this.notMail.values()].reduce((n, l) => n + l.length, 0);
    return { apex: this.apex, domains, findings: this.findings, importedRecords: this.imported, leftOutMail: this.leftOutMail, leftOutOther };
  }

  // ----------------------------------------------------------------------------------------------
  // Indexing and routing

  private index(r: ZoneRecord): void {
    if (!isWithin(r.owner, this.apex)) {
      this.findings.push(finding("zone.out-of-zone", "warning", `${describeRecord(r)}: the name is outside the zone ${this.apex}, so a server loading this zone ignores it; it is left out.`, place(r), "RFC 1035 §5.2"));
      return;
    }
    const n = this.names.get(r.owner) ?? { name: r.owner, mx: [], txt: [], cname: [], other: [] };
    this.names.set(r.owner, n);
    if (r.type === "MX") n.mx.push(r);
    else if (r.type === "CNAME") n.cname.push(r);
    else if (r.type === "TXT") {
      const txt = this.decodeTxt(r);
      if (txt) n.txt.push(txt);
    } else n.other.push(r);
  }

  private decodeTxt(r: ZoneRecord): Txt | undefined {
    const parsed = parseTxtRdata(r.rdata.join(" "), "TXT");
    this.report(located(parsed.diagnostics, place(r)));
    if (parsed.diagnostics.some((d) => d.code === "txt.bad-escape" || d.code === "txt.unterminated-quote")) {
      this.leftOut(r, "its text cannot be read (see the error above)", "error");
      return undefined;
    }
    const unquoted = r.rdata.filter((t) => !t.startsWith('"'));
    if (r.rdata.length > 1 && unquoted.length > 0) {
      this.findings.push(
        finding(
          "zone.txt-unquoted",
          "warning",
          `the TXT data has unquoted words (${unquoted.slice(0, 3).join(" ")}…): each word is a separate string, and mail software joins the strings with nothing between them, so it reads "${joinTxt(parsed.model).slice(0, 60)}". Put the whole value in one pair of quotes.`,
          place(r),
          "RFC 1035 §5.1; RFC 7208 §3.3",
        ),
      );
    }
    return { record: r, value: joinTxt(parsed.model), strings: parsed.model };
  }

  private domainBuild(domain: string): DomainBuild {
    let b = this.builds.get(domain);
    if (!b) {
      b = { domain, mx: [], txt: [], dkim: new Map(), dmarc: [], mtaSts: [], tlsRpt: [], bimi: new Map() };
      this.builds.set(domain, b);
    }
    return b;
  }

  /** A mail domain is a name with MX or SPF, or the D of a `_dmarc.D`, `sel._domainkey.D`, … record. */
  private collectDomains(): void {
    for (const n of this.names.values()) {
      const c = classifyName(n.name);
      if (c.kind === "plain") {
        const spfLike = n.txt.some((t) => isSpfRecord(t.value) || (describeLookalike(t.value) ?? { kind: "sender-id" }).kind !== "sender-id");
        if ((n.mx.length > 0 || spfLike) && !n.name.startsWith("*")) this.domainBuild(n.name);
      } else if (c.kind === "dkim" || c.kind === "dmarc" || c.kind === "mta-sts" || c.kind === "tls-rpt" || c.kind === "bimi") {
        const relevant = n.txt.length > 0 || (n.cname.length > 0 && c.kind === "dkim");
        if (relevant && !c.domain.startsWith("*")) this.domainBuild(c.domain);
      }
    }
  }

  private route(n: NameRecords): void {
    const c = classifyName(n.name);
    const b = "domain" in c ? this.builds.get(c.domain) : this.builds.get(n.name);
    switch (c.kind) {
      case "plain":
        if (b) {
          b.mx.push(...n.mx);
          b.txt.push(...n.txt);
        } else {
          for (const r of n.mx) this.leftOut(r, n.name.startsWith("*") ? "a wildcard MX cannot be declared as a MailDomain (its domain must be a real name): declare the names that receive mail" : "not a mail domain");
          for (const t of n.txt) this.plainTxtElsewhere(t);
        }
        this.cnameOrOther(n, b !== undefined);
        return;
      case "dkim": {
        if (!b) break;
        const entry = b.dkim.get(c.selector) ?? { txt: [], cname: [] };
        entry.txt.push(...n.txt);
        entry.cname.push(...n.cname);
        b.dkim.set(c.selector, entry);
        for (const r of [...n.mx, ...n.other]) this.leftOut(r, `a ${r.type} record at a DKIM key name: DKIM keys are TXT records (or a CNAME to a provider's key)`);
        return;
      }
      case "dmarc":
      case "mta-sts":
      case "tls-rpt":
      case "bimi": {
        if (!b) break;
        const what = { dmarc: "DMARC", "mta-sts": "MTA-STS", "tls-rpt": "TLS-RPT", bimi: "BIMI" }[c.kind];
        if (c.kind === "dmarc") b.dmarc.push(...n.txt);
        else if (c.kind === "mta-sts") b.mtaSts.push(...n.txt);
        else if (c.kind === "tls-rpt") b.tlsRpt.push(...n.txt);
        else b.bimi.set(c.selector, [...(b.bimi.get(c.selector) ?? []), ...n.txt]);
        for (const r of n.cname) {
          this.leftOut(r, `a CNAME that delegates the ${what} record to another name cannot be expressed in MailDomain args (the component publishes the ${what} TXT record itself): declare ${c.kind === "dmarc" ? "dmarc" : c.kind === "mta-sts" ? "mtaSts" : c.kind === "tls-rpt" ? "tlsRpt" : "bimi"} with the values the target serves, or keep this CNAME outside the component`);
        }
        for (const r of [...n.mx, ...n.other]) this.leftOut(r, `a ${r.type} record at the ${what} name: only TXT records belong there`);
        return;
      }
      case "report-authorization":
        for (const t of n.txt) {
          this.leftOut(t.record, `authorizes ${n.name.replace(/\._report\._dmarc\..*$/, "")} to send its DMARC reports to ${c.domain} (RFC 7489 §7.1); MailDomain declares a domain's own records, not authorizations for other domains: keep this record in your DNS`, "info");
        }
        for (const r of [...n.mx, ...n.cname, ...n.other]) this.leftOut(r, "not a DMARC report authorization (those are TXT records)", "info");
        return;
      case "domainkeys-policy":
        for (const r of [...n.txt.map((t) => t.record), ...n.mx, ...n.cname, ...n.other]) {
          this.leftOut(r, "an outsending policy of DomainKeys (RFC 4870, historic since 2007, superseded by DKIM and DMARC): no receiver reads it; it is not imported, and you can delete it (DMARC's p= is what receivers apply today)", "info");
        }
        return;
      case "adsp":
        for (const r of [...n.txt.map((t) => t.record), ...n.mx, ...n.cname, ...n.other]) {
          this.leftOut(r, "a DKIM ADSP record (RFC 5617, moved to historic in 2013): no receiver reads it; it is not imported; DMARC replaces it", "info");
        }
        return;
    }
    // A mail-record name whose domain is not a mail domain (e.g. a wildcard).
    for (const t of n.txt) this.leftOut(t.record, `its domain ${"domain" in c ? c.domain : n.name} cannot be declared as a MailDomain (a wildcard or an invalid name)`);
    for (const r of [...n.mx, ...n.cname, ...n.other]) this.leftOut(r, "not under a mail domain that can be declared");
  }

  /** TXT at a name that is not a mail domain: mail-looking values are reported one by one, the rest summarized. */
  private plainTxtElsewhere(t: Txt): void {
    const v = t.value;
    if (isDmarcRecord(v)) return this.leftOut(t.record, "a DMARC record outside _dmarc: receivers look for DMARC only at _dmarc.<domain> (RFC 7489 §6.1), so they ignore it");
    if (meantAs(v, "DKIM1")) return this.leftOut(t.record, "a DKIM key outside <selector>._domainkey: verifiers look for keys only there (RFC 6376 §3.6.2.1), so they ignore it");
    if (meantAs(v, STS_VERSION)) return this.leftOut(t.record, "an MTA-STS record outside _mta-sts: senders look only at _mta-sts.<domain> (RFC 8461 §3.1)");
    if (meantAs(v, TLSRPT_VERSION)) return this.leftOut(t.record, "a TLS-RPT record outside _smtp._tls: senders look only at _smtp._tls.<domain> (RFC 8460 §3)");
    if (meantAs(v, BIMI_VERSION)) return this.leftOut(t.record, "a BIMI record outside <selector>._bimi: receivers look only there");
    if (/^_amazonses\./.test(t.record.owner)) {
      return this.leftOut(t.record, "the legacy Amazon SES domain verification token: MailDomain does not publish it; keep it while your SES identity was verified with it (Easy DKIM CNAMEs verify newer identities)", "info");
    }
    this.notMailRecord(t.record);
  }

  private cnameOrOther(n: NameRecords, isMailDomain: boolean): void {
    for (const r of [...n.cname, ...n.other]) {
      const sts = /^mta-sts\.(.+)$/.exec(n.name);
      if (sts && this.names.get(`_mta-sts.${sts[1]}`)?.txt.length) {
        this.leftOut(
          r,
          `the host that serves ${sts[1]}'s MTA-STS policy over HTTPS: MailDomain does not manage it (the component's mtaStsPolicy output is the file to serve there); keep this record`,
          "info",
        );
      } else if (r.type === "SPF") {
        this.leftOut(r, "the SPF record type (99) was retired by RFC 7208 §3.1: receivers read SPF only from TXT records, so it is not imported; delete it once the TXT record is right", "info");
      } else if (r.type === "CNAME" && isMailDomain) {
        this.leftOut(r, "a CNAME cannot sit beside the MX or TXT records of a mail domain (RFC 1034 §3.6.2); it is left out");
      } else this.notMailRecord(r);
    }
  }

  private notMailRecord(r: ZoneRecord): void {
    const list = this.notMail.get(r.type) ?? [];
    list.push(r);
    this.notMail.set(r.type, list);
  }

  private summarizeNotMail(): void {
    const types = [...this.notMail.keys()].sort();
    for (const type of types) {
      const list = this.notMail.get(type) ?? [];
      const names = [...new Set(list.map((r) => r.owner || "."))];
      const shown = names.slice(0, 6).join(", ") + (names.length > 6 ? `, … (${names.length - 6} more names)` : "");
      const why = type === "SOA" || type === "NS" ? "the zone's own records: the DNS manager (Cloudflare, Route 53) creates them" : type === "TXT" ? "TXT records at names that hold no mail record" : "not mail records: MailDomain manages only mail records";
      this.findings.push(finding("import.not-mail", "info", `left out ${list.length} ${type} record${list.length > 1 ? "s" : ""} (${why}; keep them in your DNS manager): ${shown}`, { file: list[0]?.file }));
    }
  }

  private leftOut(r: ZoneRecord, reason: string, severity: "error" | "warning" | "info" = "warning"): void {
    this.leftOutMail++;
    this.report([finding("import.left-out", severity, `${describeRecord(r, 80)} is left out: ${reason}.`, place(r))]);
  }

  private report(list: ImportFinding[], domain?: string): void {
    this.findings.push(...list);
    if (domain) {
      const set = this.codesByDomain.get(domain) ?? new Set<string>();
      for (const f of list) set.add(f.code);
      this.codesByDomain.set(domain, set);
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Args of one domain

  private build(b: DomainBuild): ImportedDomain {
    const used: ZoneRecord[] = [];
    const args: MailRecordsArgs = { domain: b.domain };
    const mx = this.mapMx(b, used);
    const txt = this.mapDomainTxt(b, used);
    const dkim = this.mapDkim(b, used);
    const dmarc = this.mapDmarc(b, used);
    const mtaSts = this.mapMtaSts(b, used, mx);
    const tlsRpt = this.mapTlsRpt(b, used);
    const bimi = this.mapBimi(b, used);
    const ttl = this.chooseTtl(b, used);
    if (ttl !== DEFAULT_TTL) args.ttl = ttl;
    if (mx.mx.length) args.mx = mx.mx;
    if (mx.nullMx) args.nullMx = true;
    if (txt.spf) args.spf = txt.spf;
    if (dkim.length) args.dkim = dkim;
    if (dmarc) args.dmarc = dmarc;
    if (mtaSts) args.mtaSts = mtaSts;
    if (tlsRpt) args.tlsRpt = tlsRpt;
    if (bimi) args.bimi = bimi;
    if (txt.extraTxt.length) args.extraTxt = txt.extraTxt;
    this.imported += used.length;

    const plan = planMailDomain(args);
    const known = this.codesByDomain.get(b.domain) ?? new Set<string>();
    const at: Place = { file: used[0]?.file, owner: b.domain };
    for (const e of plan.errors) {
      this.findings.push({ ...e, ...at, message: `the component refuses the imported args: ${e.message}` });
    }
    for (const w of plan.warnings) {
      if (!known.has(w.code)) this.findings.push({ ...w, ...at });
    }
    for (const note of plan.notes) this.findings.push(finding("plan.note", "info", note, at));
    const parent = b.domain === this.apex ? undefined : this.apex;
    for (const hint of presetHints(args, parent)) this.findings.push(finding("import.preset", "info", hint, at));
    return { args, records: used, plan };
  }

  private mapMx(b: DomainBuild, used: ZoneRecord[]): { mx: MxHostArgs[]; nullMx: boolean } {
    const accepted: MxRecord[] = [];
    for (const r of b.mx) {
      const [pref = "", exchange = ""] = r.rdata;
      let host = exchange;
      if (exchange !== "." && exchange !== "" && r.rdata.length === 2) {
        const resolved = resolveName(exchange, r.origin);
        if (resolved.name === undefined) {
          this.leftOut(r, `its host name ${exchange} ${resolved.error ?? "is invalid"}`, "error");
          continue;
        }
        this.checkDoubledOrigin(r, exchange, resolved.name, "MX host");
        host = fqdn(resolved.name);
      }
      const parsed = parseMx(r.rdata.length === 2 ? `${pref} ${host}` : r.rdata.join(" "));
      this.report(located(parsed.diagnostics, place(r)), b.domain);
      if (parsed.model.priority === undefined || parsed.model.exchange === undefined || parsed.diagnostics.some((d) => d.severity === "error")) {
        this.leftOut(r, "the MX record is invalid (see above)", "error");
        continue;
      }
      accepted.push(parsed.model as MxRecord);
      used.push(r);
    }
    const set = validateMxSet(accepted, "mx");
    this.report(located(set, { file: b.mx[0]?.file, line: b.mx[0]?.line, owner: b.domain }), b.domain);
    const mx = accepted
      .filter((r) => r.exchange !== ".")
      .sort((x, y) => x.priority - y.priority || x.exchange.localeCompare(y.exchange))
      .map((r) => ({ host: r.exchange, priority: r.priority }));
    // Exact duplicates cannot exist in a loaded zone; the same host twice with two preferences can.
    return { mx, nullMx: accepted.some((r) => r.exchange === ".") };
  }

  /** SPF and the other TXT values on the domain's own name. */
  private mapDomainTxt(b: DomainBuild, used: ZoneRecord[]): { spf?: MailRecordsArgs["spf"]; extraTxt: string[] } {
    const values = b.txt.map((t) => t.value);
    const first = b.txt[0]?.record;
    const at = { file: first?.file, line: first?.line, owner: b.domain };
    this.report(located(checkSpfRecordSet(values, ""), at), b.domain);
    const selected = selectSpfRecords(values);
    let spf: MailRecordsArgs["spf"];
    const extraTxt: string[] = [];
    for (const t of b.txt) {
      const r = t.record;
      if (isSpfRecord(t.value)) {
        if (t.value !== selected[0] || spf !== undefined) {
          this.leftOut(r, "a second SPF record at the same name: receivers then apply neither (RFC 7208 §4.5). The first one was imported; merge what this one authorizes into it", "error");
          continue;
        }
        const parsed = parseSpf(t.value);
        this.report(located(parsed.diagnostics, place(r)), b.domain);
        const { policy, leftOut } = spfToPolicy(parsed.model);
        for (const l of leftOut) {
          this.report([finding("import.spf-term-left-out", "warning", `SPF term "${l.term}" is left out: ${l.reason}.`, place(r), "RFC 7208", "spf")], b.domain);
        }
        const hasAll = parsed.model.terms.some((x) => x.kind === "mechanism" && x.name === "all");
        if (!hasAll && policy.redirect === undefined && policy.all === SpfAll.Neutral) {
          this.report([finding("import.spf-no-all", "info", `the SPF record has neither "all" nor "redirect=": imported as all: "?all", which gives the same neutral result (RFC 7208 §4.7); "~all" or "-all" is what you want once every sender is listed.`, place(r), "RFC 7208 §4.7", "spf.all")], b.domain);
        }
        spf = policy;
        used.push(r);
        continue;
      }
      const look = describeLookalike(t.value);
      if (look) {
        this.leftOut(r, look.kind === "sender-id" ? "a Sender ID record (RFC 4406, abandoned): receivers do not read it" : `it is meant as SPF but receivers do not take it as one: ${look.message}`, look.kind === "sender-id" ? "info" : "error");
        continue;
      }
      const v = t.value;
      if (isDmarcRecord(v)) {
        this.leftOut(r, `a DMARC record at the domain's own name: receivers look for it only at _dmarc.${b.domain} (RFC 7489 §6.1). Move it there`, "error");
        continue;
      }
      if (meantAs(v, "DKIM1") || (isDkimKeyRecord(v) && /(^|;)\s*k\s*=/.test(v))) {
        this.leftOut(r, `a DKIM key at the domain's own name: verifiers look for it only at <selector>._domainkey.${b.domain} (RFC 6376 §3.6.2.1)`, "error");
        continue;
      }
      if (v === "") {
        this.leftOut(r, "an empty TXT record carries nothing", "info");
        continue;
      }
      if (/["\\\u0000-\u001f\u007f]/.test(v)) {
        this.leftOut(r, "its text contains a quote, a backslash or a control character, which the component refuses in extraTxt (verification tokens never contain them): add it by hand outside the component if you need it");
        continue;
      }
      if (extraTxt.includes(v)) continue;
      if (t.strings.length > 1 && t.strings.slice(0, -1).some((s) => Buffer.byteLength(s, "utf8") !== MAX_STRING_OCTETS)) {
        this.report([finding("import.txt-resplit", "info", `the TXT value has ${t.strings.length} strings; extraTxt publishes it joined and split at ${MAX_STRING_OCTETS} octets, which is what mail software reads, but a reader that looks at the strings one by one sees them differently.`, place(r), "RFC 1035 §3.3.14", "extraTxt")], b.domain);
      }
      extraTxt.push(v);
      used.push(r);
    }
    return { spf, extraTxt };
  }

  private mapDkim(b: DomainBuild, used: ZoneRecord[]): DkimArgs[] {
    const out: DkimArgs[] = [];
    for (const [selector, entry] of [...b.dkim.entries()].sort(([x], [y]) => x.localeCompare(y))) {
      const records = [...entry.txt.map((t) => t.record), ...entry.cname];
      const firstRecord = records[0];
      if (!firstRecord) continue;
      const bad = validateSelector(selector, "selector");
      if (bad.length) {
        this.report(located(bad, place(firstRecord)), b.domain);
        for (const r of records) this.leftOut(r, selector === "*" ? "a wildcard DKIM selector cannot be declared (the parked: true setting publishes the revoked wildcard key of a parked domain)" : `"${selector}" cannot be declared as a DKIM selector (see above)`);
        continue;
      }
      if (entry.cname.length > 0) {
        const r = entry.cname[0];
        for (const other of [...entry.cname.slice(1), ...entry.txt.map((t) => t.record)]) {
          this.leftOut(other, "a CNAME owns its name alone (RFC 1034 §3.6.2), so DNS servers refuse other records beside it; the CNAME was imported", "error");
        }
        const target = resolveName(r.rdata[0] ?? "", r.origin);
        if (r.rdata.length !== 1 || target.name === undefined || target.name === "") {
          this.leftOut(r, `the CNAME target ${r.rdata.join(" ")} is not a host name`, "error");
          continue;
        }
        this.checkDoubledOrigin(r, r.rdata[0], target.name, "CNAME target");
        out.push({ selector, cnameTarget: target.name });
        used.push(r);
        continue;
      }
      const txt = entry.txt.filter((t) => isDkimKeyRecord(t.value));
      for (const t of entry.txt.filter((x) => !isDkimKeyRecord(x.value))) {
        this.leftOut(t.record, "not a DKIM key record (no p= tag): verifiers ignore it", "warning");
      }
      if (txt.length === 0) continue;
      for (const t of txt.slice(1)) {
        this.leftOut(t.record, `a second key record at the selector ${selector}: verifiers may read either one (RFC 6376 §3.6.2.2); the first was imported. Give each key its own selector`, "error");
      }
      const t = txt[0];
      const mapped = this.dkimEntry(selector, t, b.domain);
      if (mapped) {
        out.push(mapped);
        used.push(t.record);
      }
    }
    return out;
  }

  private dkimEntry(selector: string, t: Txt, domain: string): DkimArgs | undefined {
    const r = t.record;
    const parsed = parseDkim(t.value);
    this.report(located(parsed.diagnostics, place(r)), domain);
    const rec = parsed.model;
    if (parsed.diagnostics.some((d) => d.code === "dkim.duplicate-tag")) {
      this.leftOut(r, "a key record with a repeated tag is invalid as a whole (RFC 6376 §3.2): verifiers ignore it, so it is not imported", "error");
      return undefined;
    }
    if (rec.publicKey === undefined) {
      this.leftOut(r, "the key record has no p= tag, so verifiers cannot use it", "error");
      return undefined;
    }
    const entry: DkimArgs = { selector };
    if (rec.publicKey === "") entry.revoked = true;
    else {
      const key = publicKeyToDkim(rec.publicKey, "p");
      if (key.p === "" || key.diagnostics.some((d) => d.severity === "error")) {
        this.report(located(key.diagnostics.filter((d) => d.severity === "error"), place(r)), domain);
        this.leftOut(r, "its public key cannot be used (see above): copy the key again from the mail server or hosting panel and declare it by hand", "error");
        return undefined;
      }
      const k = (rec.keyType ?? "rsa").toLowerCase();
      if (k !== key.keyType) {
        this.leftOut(r, `k=${rec.keyType ?? "rsa (the default)"} does not match its key, which is ${key.keyType === "rsa" ? "an RSA" : "an Ed25519"} key: verifiers fail every signature`, "error");
        return undefined;
      }
      entry.publicKey = rec.publicKey;
    }
    const flags = (rec.flags ?? []).map((f) => f.toLowerCase());
    if (flags.includes("y")) entry.testing = true;
    const lost: { tag: string; reason: string; severity: "warning" | "info" }[] = [];
    if (flags.includes("s")) lost.push({ tag: "t=s", reason: "the component has no setting for the s flag (the i= of signatures must then equal d=); without it, signatures from subdomain addresses also verify", severity: "warning" });
    const otherFlags = flags.filter((f) => f !== "y" && f !== "s" && f !== "");
    if (otherFlags.length) lost.push({ tag: `t=${otherFlags.join(":")}`, reason: "unknown flags, which verifiers ignore", severity: "info" });
    if (rec.hashAlgorithms?.length) {
      const onlySha256 = rec.hashAlgorithms.every((h) => h.toLowerCase() === "sha256");
      lost.push({ tag: `h=${rec.hashAlgorithms.join(":")}`, reason: onlySha256 ? "the component publishes no h= (all hashes allowed); signers use sha256 only since RFC 8301 forbade sha1, so nothing changes" : "the component publishes no h=, which allows every hash algorithm", severity: onlySha256 ? "info" : "warning" });
    }
    if (rec.serviceTypes?.length) {
      const email = rec.serviceTypes.every((s) => s === "email" || s === "*");
      lost.push({ tag: `s=${rec.serviceTypes.join(":")}`, reason: email ? "the component publishes no s= (the default *, all services, email included), so nothing changes for mail" : "the component publishes no s=", severity: email ? "info" : "warning" });
    }
    if (rec.notes !== undefined) lost.push({ tag: `n=${rec.notes.slice(0, 30)}`, reason: "notes for humans are not published", severity: "info" });
    for (const x of rec.extraTags ?? []) lost.push({ tag: `${x.name}=${x.value.slice(0, 30)}`, reason: "not a DKIM tag; verifiers ignore it", severity: "info" });
    for (const l of lost) {
      this.report([finding("import.dkim-tag-left-out", l.severity, `DKIM tag ${l.tag} of selector ${selector} is left out: ${l.reason}.`, place(r), "RFC 6376 §3.6.1", `dkim[${selector}]`)], domain);
    }
    return entry;
  }

  private mapDmarc(b: DomainBuild, used: ZoneRecord[]): MailRecordsArgs["dmarc"] {
    if (b.dmarc.length === 0) return undefined;
    const set = checkDmarcRecordSet(b.dmarc.map((t) => t.value));
    const first = b.dmarc[0].record;
    this.report(located(set.diagnostics, place(first)), b.domain);
    const t = this.selectRecord(b, b.dmarc, {
      isRecord: isDmarcRecord,
      notRecord: "not a DMARC record (it does not start with v=DMARC1), so receivers skip it",
      second: "a second DMARC record: receivers then apply no DMARC at all (RFC 7489 §6.6.3); the first was imported. Merge them into one",
    });
    if (!t) return undefined;
    const parsed = parseDmarc(t.value);
    this.report(located(parsed.diagnostics, place(t.record)), b.domain);
    const mapped = dmarcToArgs(parsed.model, parsed.diagnostics);
    for (const l of mapped.leftOut) {
      this.report([finding("import.dmarc-tag-left-out", mapped.args ? "warning" : "error", `DMARC ${l.tag}: ${l.reason}.`, place(t.record), l.rfc, "dmarc")], b.domain);
    }
    if (!mapped.args) {
      this.leftOutMail++;
      return undefined;
    }
    used.push(t.record);
    return mapped.args;
  }

  private mapMtaSts(b: DomainBuild, used: ZoneRecord[], mx: { mx: MxHostArgs[]; nullMx: boolean }): MtaStsArgs | undefined {
    if (b.mtaSts.length === 0) return undefined;
    const t = this.selectRecord(b, b.mtaSts, {
      isRecord: isMtaStsTxtRecord,
      diagnose: (v) => parseMtaStsTxt(v).diagnostics,
      notRecord: "not an MTA-STS record (it does not start with v=STSv1), so senders skip it",
      second: "a second MTA-STS record: senders then treat the domain as having no policy (RFC 8461 §3.1); the first was imported",
    });
    if (!t) return undefined;
    const parsed = parseMtaStsTxt(t.value);
    this.report(located(parsed.diagnostics, place(t.record)), b.domain);
    for (const x of parsed.model.extensions ?? []) {
      this.report([finding("import.mta-sts-tag-left-out", "info", `MTA-STS extension ${x.name}=${x.value} is left out: senders ignore unknown tags.`, place(t.record), "RFC 8461 §3.1", "mtaSts")], b.domain);
    }
    const hosts = mx.mx.map((m) => m.host);
    this.report(
      [
        finding(
          "import.mta-sts-mode",
          "warning",
          `the MTA-STS mode, max_age and mx patterns are in the policy file at https://mta-sts.${b.domain}/.well-known/mta-sts.txt, not in DNS, so they cannot be imported: imported as mode "testing" (senders only report failures) with the domain's MX hosts${hosts.length ? ` (${hosts.join(", ")})` : ""} and max_age one week. Read the policy file you serve today and set mtaSts.mode, maxAge and mx to match it before deploying.`,
          place(t.record),
          "RFC 8461 §3.2",
          "mtaSts.mode",
        ),
        finding(
          "import.mta-sts-id",
          "info",
          `the policy id ${parsed.model.id ?? "(invalid)"} is not kept: the component derives the id from the policy it renders, so it changes once, and senders fetch the policy again, which is harmless.`,
          place(t.record),
          "RFC 8461 §3.1",
          "mtaSts",
        ),
      ],
      b.domain,
    );
    if (!this.names.has(`mta-sts.${b.domain}`)) {
      this.report([finding("import.mta-sts-host-missing", "warning", `the zone has no record for mta-sts.${b.domain}, the host senders fetch the policy from: without it they ignore the _mta-sts record.`, place(t.record), "RFC 8461 §3.3", "mtaSts")], b.domain);
    }
    used.push(t.record);
    return { mode: MtaStsMode.Testing };
  }

  private mapTlsRpt(b: DomainBuild, used: ZoneRecord[]): TlsRptArgs | undefined {
    if (b.tlsRpt.length === 0) return undefined;
    const t = this.selectRecord(b, b.tlsRpt, {
      isRecord: isTlsRptRecord,
      diagnose: (v) => parseTlsRpt(v).diagnostics,
      notRecord: "not a TLS-RPT record (it does not start with v=TLSRPTv1), so senders skip it",
      second: "a second TLS-RPT record: senders then send no reports (RFC 8460 §3); the first was imported",
    });
    if (!t) return undefined;
    const parsed = parseTlsRpt(t.value);
    this.report(located(parsed.diagnostics, place(t.record)), b.domain);
    for (const x of parsed.model.extensions ?? []) {
      this.report([finding("import.tls-rpt-tag-left-out", "info", `TLS-RPT extension ${x.name}=${x.value} is left out: senders ignore unknown tags.`, place(t.record), "RFC 8460 §3", "tlsRpt")], b.domain);
    }
    if (!parsed.model.rua?.length) {
      this.leftOut(t.record, "it has no usable rua= destination (see above)", "error");
      return undefined;
    }
    used.push(t.record);
    return { rua: parsed.model.rua };
  }

  private mapBimi(b: DomainBuild, used: ZoneRecord[]): BimiArgs | undefined {
    let result: BimiArgs | undefined;
    const selectors = [...b.bimi.keys()].sort((x, y) => (x === "default" ? -1 : y === "default" ? 1 : x.localeCompare(y)));
    for (const selector of selectors) {
      for (const [i, t] of (b.bimi.get(selector) ?? []).entries()) {
        const parsed = parseBimi(t.value);
        this.report(located(parsed.diagnostics, place(t.record)), b.domain);
        if (result || i > 0) {
          this.leftOut(t.record, result ? "MailDomain args hold one BIMI record per domain; the first selector was imported" : "a second BIMI record at the same name; the first was imported", "warning");
          continue;
        }
        if (parsed.model.location === undefined || parsed.model.location === "") {
          this.leftOut(t.record, parsed.model.location === "" ? "it declines BIMI (empty l=), which the bimi args cannot express: remove bimi to publish nothing" : "it has no usable logo URL (see above)", parsed.model.location === "" ? "info" : "error");
          continue;
        }
        result = { logoUrl: parsed.model.location };
        if (parsed.model.authority) result.authorityUrl = parsed.model.authority;
        if (selector !== "default") result.selector = selector;
        for (const [tag, v] of [["lps", parsed.model.localPartSelectors], ["avp", parsed.model.avatarPreference]] as const) {
          if (v !== undefined) this.report([finding("import.bimi-tag-left-out", "warning", `BIMI ${tag}=${v} is left out: the bimi args have no such setting.`, place(t.record), "draft-brand-indicators-for-message-identification §4.3", "bimi")], b.domain);
        }
        used.push(t.record);
      }
    }
    return result;
  }

  /**
   * The one record receivers select at a name (DMARC, MTA-STS, TLS-RPT): values that are not
   * such records, and every one after the first, are left out with the reason.
   */
  private selectRecord(
    b: DomainBuild,
    txts: readonly Txt[],
    rule: { isRecord: (v: string) => boolean; diagnose?: (v: string) => Diagnostic[]; notRecord: string; second: string },
  ): Txt | undefined {
    const records = txts.filter((t) => rule.isRecord(t.value));
    for (const t of txts.filter((x) => !rule.isRecord(x.value))) {
      if (rule.diagnose) this.report(located(rule.diagnose(t.value), place(t.record)), b.domain);
      this.leftOut(t.record, rule.notRecord, "warning");
    }
    for (const t of records.slice(1)) this.leftOut(t.record, rule.second, "error");
    return records[0];
  }

  private chooseTtl(b: DomainBuild, used: ZoneRecord[]): number {
    if (used.length === 0) return DEFAULT_TTL;
    const counts = new Map<number, number>();
    for (const r of used) counts.set(r.ttl, (counts.get(r.ttl) ?? 0) + 1);
    const ranked = [...counts.entries()].sort((x, y) => y[1] - x[1] || y[0] - x[0]);
    const ttl = ranked[0][0];
    if (ranked.length > 1) {
      const others = ranked.slice(1).map(([t, n]) => `${n} with ${t}`).join(", ");
      this.report([finding("import.ttl", "info", `the mail records of ${b.domain} have different TTLs (${ranked[0][1]} with ${ttl}, ${others}): MailDomain uses one TTL per domain, ${ttl}.`, { file: used[0].file, owner: b.domain }, "", "ttl")], b.domain);
    }
    return ttl;
  }

  /** `MX 10 mail.example.com` without the final dot means mail.example.com.example.com. */
  private checkDoubledOrigin(r: ZoneRecord, token: string, resolved: string, what: string): void {
    if (token.endsWith(".") || token === "@" || !token.includes(".") || r.origin === "") return;
    const t = token.toLowerCase();
    if (t === r.origin || t.endsWith(`.${r.origin}`) || t.endsWith(`.${this.apex}`) || /\.(com|net|org|[a-z]{2})$/.test(t)) {
      this.report([
        finding(
          "zone.relative-name",
          "warning",
          `${what} ${token} has no trailing dot, so it is relative to the origin and means ${resolved}: if you meant ${t}, write "${t}." (the import keeps ${resolved}, what DNS serves today).`,
          place(r),
          "RFC 1035 §5.1",
        ),
      ]);
    }
  }
}
