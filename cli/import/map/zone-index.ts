/**
 * The zone's records by owner name, and which of them belong to which mail domain: a mail domain
 * is a name with MX or SPF records, or the D of a `_dmarc.D`, `<selector>._domainkey.D`,
 * `_mta-sts.D`, `_smtp._tls.D` or `<selector>._bimi.D` record. Records that belong to no mail
 * domain are reported as left out (mail look-alikes) or summarized per type (the rest).
 */
import { BIMI_VERSION } from "../../../components/records/bimi";
import { isDmarcRecord } from "../../../components/records/dmarc";
import { STS_VERSION } from "../../../components/records/mta-sts";
import { isWithin } from "../../../components/records/names";
import { describeLookalike, isSpfRecord } from "../../../components/records/spf";
import { meantAs } from "../../../components/records/tags";
import { TLSRPT_VERSION } from "../../../components/records/tls-rpt";
import { joinTxt, parseTxtRdata } from "../../../components/records/txt";
import { finding, located } from "../findings";
import { ZoneRecord, describeRecord } from "../zonefile";
import { NameRecords, Txt, place } from "./model";
import { classifyName } from "./names";
import { MapContext } from "./context";

export function indexRecord(ctx: MapContext, r: ZoneRecord): void {
  if (!isWithin(r.owner, ctx.apex)) {
    ctx.findings.push(finding("zone.out-of-zone", "warning", `${describeRecord(r)}: the name is outside the zone ${ctx.apex}, so a server loading this zone ignores it; it is left out.`, place(r), "RFC 1035 §5.2"));
    return;
  }
  const n = ctx.names.get(r.owner) ?? { name: r.owner, mx: [], txt: [], cname: [], other: [] };
  ctx.names.set(r.owner, n);
  if (r.type === "MX") n.mx.push(r);
  else if (r.type === "CNAME") n.cname.push(r);
  else if (r.type === "TXT") {
    const txt = decodeTxt(ctx, r);
    if (txt) n.txt.push(txt);
  } else n.other.push(r);
}

export function decodeTxt(ctx: MapContext, r: ZoneRecord): Txt | undefined {
  const parsed = parseTxtRdata(r.rdata.join(" "), "TXT");
  ctx.report(located(parsed.diagnostics, place(r)));
  if (parsed.diagnostics.some((d) => d.code === "txt.bad-escape" || d.code === "txt.unterminated-quote")) {
    ctx.leftOut(r, "its text cannot be read (see the error above)", "error");
    return undefined;
  }
  const unquoted = r.rdata.filter((t) => !t.startsWith('"'));
  if (r.rdata.length > 1 && unquoted.length > 0) {
    ctx.findings.push(
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

/** A mail domain is a name with MX or SPF, or the D of a `_dmarc.D`, `sel._domainkey.D`, … record. */
export function collectDomains(ctx: MapContext): void {
  for (const n of ctx.names.values()) {
    const c = classifyName(n.name);
    if (c.kind === "plain") {
      const spfLike = n.txt.some((t) => isSpfRecord(t.value) || (describeLookalike(t.value) ?? { kind: "sender-id" }).kind !== "sender-id");
      if ((n.mx.length > 0 || spfLike) && !n.name.startsWith("*")) ctx.domainBuild(n.name);
    } else if (c.kind === "dkim" || c.kind === "dmarc" || c.kind === "mta-sts" || c.kind === "tls-rpt" || c.kind === "bimi") {
      const relevant = n.txt.length > 0 || (n.cname.length > 0 && c.kind === "dkim");
      if (relevant && !c.domain.startsWith("*")) ctx.domainBuild(c.domain);
    }
  }
}

export function route(ctx: MapContext, n: NameRecords): void {
  const c = classifyName(n.name);
  const b = "domain" in c ? ctx.builds.get(c.domain) : ctx.builds.get(n.name);
  switch (c.kind) {
    case "plain":
      if (b) {
        b.mx.push(...n.mx);
        b.txt.push(...n.txt);
      } else {
        for (const r of n.mx) ctx.leftOut(r, n.name.startsWith("*") ? "a wildcard MX cannot be declared as a MailDomain (its domain must be a real name): declare the names that receive mail" : "not a mail domain");
        for (const t of n.txt) plainTxtElsewhere(ctx, t);
      }
      cnameOrOther(ctx, n, b !== undefined);
      return;
    case "dkim": {
      if (!b) break;
      const entry = b.dkim.get(c.selector) ?? { txt: [], cname: [] };
      entry.txt.push(...n.txt);
      entry.cname.push(...n.cname);
      b.dkim.set(c.selector, entry);
      for (const r of [...n.mx, ...n.other]) ctx.leftOut(r, `a ${r.type} record at a DKIM key name: DKIM keys are TXT records (or a CNAME to a provider's key)`);
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
        ctx.leftOut(r, `a CNAME that delegates the ${what} record to another name cannot be expressed in MailDomain args (the component publishes the ${what} TXT record itself): declare ${c.kind === "dmarc" ? "dmarc" : c.kind === "mta-sts" ? "mtaSts" : c.kind === "tls-rpt" ? "tlsRpt" : "bimi"} with the values the target serves, or keep this CNAME outside the component`);
      }
      for (const r of [...n.mx, ...n.other]) ctx.leftOut(r, `a ${r.type} record at the ${what} name: only TXT records belong there`);
      return;
    }
    case "report-authorization":
      for (const t of n.txt) {
        ctx.leftOut(t.record, `authorizes ${n.name.replace(/\._report\._dmarc\..*$/, "")} to send its DMARC reports to ${c.domain} (RFC 7489 §7.1); MailDomain declares a domain's own records, not authorizations for other domains: keep this record in your DNS`, "info");
      }
      for (const r of [...n.mx, ...n.cname, ...n.other]) ctx.leftOut(r, "not a DMARC report authorization (those are TXT records)", "info");
      return;
    case "domainkeys-policy":
      for (const r of [...n.txt.map((t) => t.record), ...n.mx, ...n.cname, ...n.other]) {
        ctx.leftOut(r, "an outsending policy of DomainKeys (RFC 4870, historic since 2007, superseded by DKIM and DMARC): no receiver reads it; it is not imported, and you can delete it (DMARC's p= is what receivers apply today)", "info");
      }
      return;
    case "adsp":
      for (const r of [...n.txt.map((t) => t.record), ...n.mx, ...n.cname, ...n.other]) {
        ctx.leftOut(r, "a DKIM ADSP record (RFC 5617, moved to historic in 2013): no receiver reads it; it is not imported; DMARC replaces it", "info");
      }
      return;
  }
  // A mail-record name whose domain is not a mail domain (e.g. a wildcard).
  for (const t of n.txt) ctx.leftOut(t.record, `its domain ${"domain" in c ? c.domain : n.name} cannot be declared as a MailDomain (a wildcard or an invalid name)`);
  for (const r of [...n.mx, ...n.cname, ...n.other]) ctx.leftOut(r, "not under a mail domain that can be declared");
}

/** TXT at a name that is not a mail domain: mail-looking values are reported one by one, the rest summarized. */
export function plainTxtElsewhere(ctx: MapContext, t: Txt): void {
  const v = t.value;
  if (isDmarcRecord(v)) return ctx.leftOut(t.record, "a DMARC record outside _dmarc: receivers look for DMARC only at _dmarc.<domain> (RFC 7489 §6.1), so they ignore it");
  if (meantAs(v, "DKIM1")) return ctx.leftOut(t.record, "a DKIM key outside <selector>._domainkey: verifiers look for keys only there (RFC 6376 §3.6.2.1), so they ignore it");
  if (meantAs(v, STS_VERSION)) return ctx.leftOut(t.record, "an MTA-STS record outside _mta-sts: senders look only at _mta-sts.<domain> (RFC 8461 §3.1)");
  if (meantAs(v, TLSRPT_VERSION)) return ctx.leftOut(t.record, "a TLS-RPT record outside _smtp._tls: senders look only at _smtp._tls.<domain> (RFC 8460 §3)");
  if (meantAs(v, BIMI_VERSION)) return ctx.leftOut(t.record, "a BIMI record outside <selector>._bimi: receivers look only there");
  if (/^_amazonses\./.test(t.record.owner)) {
    return ctx.leftOut(t.record, "the legacy Amazon SES domain verification token: MailDomain does not publish it; keep it while your SES identity was verified with it (Easy DKIM CNAMEs verify newer identities)", "info");
  }
  ctx.notMailRecord(t.record);
}

export function cnameOrOther(ctx: MapContext, n: NameRecords, isMailDomain: boolean): void {
  for (const r of [...n.cname, ...n.other]) {
    const sts = /^mta-sts\.(.+)$/.exec(n.name);
    if (sts && ctx.names.get(`_mta-sts.${sts[1]}`)?.txt.length) {
      ctx.leftOut(
        r,
        `the host that serves ${sts[1]}'s MTA-STS policy over HTTPS: MailDomain does not manage it (the component's mtaStsPolicy output is the file to serve there); keep this record`,
        "info",
      );
    } else if (r.type === "SPF") {
      ctx.leftOut(r, "the SPF record type (99) was retired by RFC 7208 §3.1: receivers read SPF only from TXT records, so it is not imported; delete it once the TXT record is right", "info");
    } else if (r.type === "CNAME" && isMailDomain) {
      ctx.leftOut(r, "a CNAME cannot sit beside the MX or TXT records of a mail domain (RFC 1034 §3.6.2); it is left out");
    } else ctx.notMailRecord(r);
  }
}

export function summarizeNotMail(ctx: MapContext): void {
  const types = [...ctx.notMail.keys()].sort();
  for (const type of types) {
    const list = ctx.notMail.get(type) ?? [];
    const names = [...new Set(list.map((r) => r.owner || "."))];
    const shown = names.slice(0, 6).join(", ") + (names.length > 6 ? `, … (${names.length - 6} more names)` : "");
    const why = type === "SOA" || type === "NS" ? "the zone's own records: the DNS manager (Cloudflare, Route 53) creates them" : type === "TXT" ? "TXT records at names that hold no mail record" : "not mail records: MailDomain manages only mail records";
    ctx.findings.push(finding("import.not-mail", "info", `left out ${list.length} ${type} record${list.length > 1 ? "s" : ""} (${why}; keep them in your DNS manager): ${shown}`, { file: list[0]?.file }));
  }
}
