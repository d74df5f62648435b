/**
 * `_dmarc.D` → structured `dmarc` (RFC 7489 §6.3, RFC 9989).
 */
import { MailRecordsArgs } from "../../../components/plan/args";
import { checkDmarcRecordSet, dmarcToArgs, isDmarcRecord, parseDmarc } from "../../../components/records/dmarc";
import { finding, located } from "../findings";
import { ZoneRecord } from "../zonefile";
import { DomainBuild, place } from "./model";
import { selectRecord } from "./select";
import { MapContext } from "./context";

export function mapDmarc(ctx: MapContext, b: DomainBuild, used: ZoneRecord[]): MailRecordsArgs["dmarc"] {
  if (b.dmarc.length === 0) return undefined;
  const set = checkDmarcRecordSet(b.dmarc.map((t) => t.value));
  const first = b.dmarc[0].record;
  ctx.report(located(set.diagnostics, place(first)), b.domain);
  const t = selectRecord(ctx, b, b.dmarc, {
    isRecord: isDmarcRecord,
    notRecord: "not a DMARC record (it does not start with v=DMARC1), so receivers skip it",
    second: "a second DMARC record: receivers then apply no DMARC at all (RFC 7489 §6.6.3); the first was imported. Merge them into one",
  });
  if (!t) return undefined;
  const parsed = parseDmarc(t.value);
  ctx.report(located(parsed.diagnostics, place(t.record)), b.domain);
  const mapped = dmarcToArgs(parsed.model, parsed.diagnostics);
  for (const l of mapped.leftOut) {
    ctx.report([finding("import.dmarc-tag-left-out", mapped.args ? "warning" : "error", `DMARC ${l.tag}: ${l.reason}.`, place(t.record), l.rfc, "dmarc")], b.domain);
  }
  if (!mapped.args) {
    ctx.leftOutMail++;
    return undefined;
  }
  used.push(t.record);
  return mapped.args;
}
