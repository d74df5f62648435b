/**
 * The TXT records on a mail domain's own name: the SPF record → structured `spf` (through the
 * core's `spfToPolicy`), the other values → `extraTxt`.
 */
import { MailRecordsArgs } from "../../../components/plan/args";
import { isDkimKeyRecord } from "../../../components/records/dkim";
import { isDmarcRecord } from "../../../components/records/dmarc";
import { SpfAll } from "../../../components/records/enums";
import { checkSpfRecordSet, describeLookalike, isSpfRecord, parseSpf, selectSpfRecords, spfToPolicy } from "../../../components/records/spf";
import { meantAs } from "../../../components/records/tags";
import { MAX_STRING_OCTETS } from "../../../components/records/txt";
import { finding, located } from "../findings";
import { ZoneRecord } from "../zonefile";
import { DomainBuild, place } from "./model";
import { MapContext } from "./context";

/** SPF and the other TXT values on the domain's own name. */
export function mapDomainTxt(ctx: MapContext, b: DomainBuild, used: ZoneRecord[]): { spf?: MailRecordsArgs["spf"]; extraTxt: string[] } {
  const values = b.txt.map((t) => t.value);
  const first = b.txt[0]?.record;
  const at = { file: first?.file, line: first?.line, owner: b.domain };
  ctx.report(located(checkSpfRecordSet(values, ""), at), b.domain);
  const selected = selectSpfRecords(values);
  let spf: MailRecordsArgs["spf"];
  const extraTxt: string[] = [];
  /** The values already in extraTxt: a Set, so 100,000 verification tokens stay linear. */
  const seen = new Set<string>();
  for (const t of b.txt) {
    const r = t.record;
    if (isSpfRecord(t.value)) {
      if (t.value !== selected[0] || spf !== undefined) {
        ctx.leftOut(r, "a second SPF record at the same name: receivers then apply neither (RFC 7208 §4.5). The first one was imported; merge what this one authorizes into it", "error");
        continue;
      }
      const parsed = parseSpf(t.value);
      ctx.report(located(parsed.diagnostics, place(r)), b.domain);
      const { policy, leftOut } = spfToPolicy(parsed.model);
      for (const l of leftOut) {
        ctx.report([finding("import.spf-term-left-out", "warning", `SPF term "${l.term}" is left out: ${l.reason}.`, place(r), "RFC 7208", "spf")], b.domain);
      }
      const hasAll = parsed.model.terms.some((x) => x.kind === "mechanism" && x.name === "all");
      if (!hasAll && policy.redirect === undefined && policy.all === SpfAll.Neutral) {
        ctx.report([finding("import.spf-no-all", "info", `the SPF record has neither "all" nor "redirect=": imported as all: "?all", which gives the same neutral result (RFC 7208 §4.7); "~all" or "-all" is what you want once every sender is listed.`, place(r), "RFC 7208 §4.7", "spf.all")], b.domain);
      }
      spf = policy;
      used.push(r);
      continue;
    }
    const look = describeLookalike(t.value);
    if (look) {
      ctx.leftOut(r, look.kind === "sender-id" ? "a Sender ID record (RFC 4406, abandoned): receivers do not read it" : `it is meant as SPF but receivers do not take it as one: ${look.message}`, look.kind === "sender-id" ? "info" : "error");
      continue;
    }
    const v = t.value;
    if (isDmarcRecord(v)) {
      ctx.leftOut(r, `a DMARC record at the domain's own name: receivers look for it only at _dmarc.${b.domain} (RFC 7489 §6.1). Move it there`, "error");
      continue;
    }
    if (meantAs(v, "DKIM1") || (isDkimKeyRecord(v) && /(^|;)\s*k\s*=/.test(v))) {
      ctx.leftOut(r, `a DKIM key at the domain's own name: verifiers look for it only at <selector>._domainkey.${b.domain} (RFC 6376 §3.6.2.1)`, "error");
      continue;
    }
    if (v === "") {
      ctx.leftOut(r, "an empty TXT record carries nothing", "info");
      continue;
    }
    if (/["\\\u0000-\u001f\u007f]/.test(v)) {
      ctx.leftOut(r, "its text contains a quote, a backslash or a control character, which the component refuses in extraTxt (verification tokens never contain them): add it by hand outside the component if you need it");
      continue;
    }
    if (seen.has(v)) continue;
    seen.add(v);
    if (t.strings.length > 1 && t.strings.slice(0, -1).some((s) => Buffer.byteLength(s, "utf8") !== MAX_STRING_OCTETS)) {
      ctx.report([finding("import.txt-resplit", "info", `the TXT value has ${t.strings.length} strings; extraTxt publishes it joined and split at ${MAX_STRING_OCTETS} octets, which is what mail software reads, but a reader that looks at the strings one by one sees them differently.`, place(r), "RFC 1035 §3.3.14", "extraTxt")], b.domain);
    }
    extraTxt.push(v);
    used.push(r);
  }
  return { spf, extraTxt };
}
