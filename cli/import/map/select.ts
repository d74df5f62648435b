/**
 * Rules shared by the record kinds: the one record receivers select at a name, and names written
 * without their final dot.
 */
import type { Diagnostic } from "../../../components/records/diagnostics";
import { finding, located } from "../findings";
import { ZoneRecord } from "../zonefile";
import { DomainBuild, Txt, place } from "./model";
import { MapContext } from "./context";

/**
 * The one record receivers select at a name (DMARC, MTA-STS, TLS-RPT): values that are not
 * such records, and every one after the first, are left out with the reason.
 */
export function selectRecord(
  ctx: MapContext,
  b: DomainBuild,
  txts: readonly Txt[],
  rule: { isRecord: (v: string) => boolean; diagnose?: (v: string) => Diagnostic[]; notRecord: string; second: string },
): Txt | undefined {
  const records = txts.filter((t) => rule.isRecord(t.value));
  for (const t of txts.filter((x) => !rule.isRecord(x.value))) {
    if (rule.diagnose) ctx.report(located(rule.diagnose(t.value), place(t.record)), b.domain);
    ctx.leftOut(t.record, rule.notRecord, "warning");
  }
  for (const t of records.slice(1)) ctx.leftOut(t.record, rule.second, "error");
  return records[0];
}

/** `MX 10 mail.example.com` without the final dot means mail.example.com.example.com. */
export function checkDoubledOrigin(ctx: MapContext, r: ZoneRecord, token: string, resolved: string, what: string): void {
  if (token.endsWith(".") || token === "@" || !token.includes(".") || r.origin === "") return;
  const t = token.toLowerCase();
  if (t === r.origin || t.endsWith(`.${r.origin}`) || t.endsWith(`.${ctx.apex}`) || /\.(com|net|org|[a-z]{2})$/.test(t)) {
    ctx.report([
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
