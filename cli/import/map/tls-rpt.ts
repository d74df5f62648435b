/**
 * `_smtp._tls.D` → `tlsRpt` (RFC 8460 §3).
 */
import { TlsRptArgs } from "../../../components/plan/args";
import { isTlsRptRecord, parseTlsRpt } from "../../../components/records/tls-rpt";
import { finding, located } from "../findings";
import { ZoneRecord } from "../zonefile";
import { DomainBuild, place } from "./model";
import { selectRecord } from "./select";
import { MapContext } from "./context";

export function mapTlsRpt(ctx: MapContext, b: DomainBuild, used: ZoneRecord[]): TlsRptArgs | undefined {
  if (b.tlsRpt.length === 0) return undefined;
  const t = selectRecord(ctx, b, b.tlsRpt, {
    isRecord: isTlsRptRecord,
    diagnose: (v) => parseTlsRpt(v).diagnostics,
    notRecord: "not a TLS-RPT record (it does not start with v=TLSRPTv1), so senders skip it",
    second: "a second TLS-RPT record: senders then send no reports (RFC 8460 §3); the first was imported",
  });
  if (!t) return undefined;
  const parsed = parseTlsRpt(t.value);
  ctx.report(located(parsed.diagnostics, place(t.record)), b.domain);
  for (const x of parsed.model.extensions ?? []) {
    ctx.report([finding("import.tls-rpt-tag-left-out", "info", `TLS-RPT extension ${x.name}=${x.value} is left out: senders ignore unknown tags.`, place(t.record), "RFC 8460 §3", "tlsRpt")], b.domain);
  }
  if (!parsed.model.rua?.length) {
    ctx.leftOut(t.record, "it has no usable rua= destination (see above)", "error");
    return undefined;
  }
  used.push(t.record);
  return { rua: parsed.model.rua };
}
