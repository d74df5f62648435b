/**
 * MX records → `mx` and `nullMx` (RFC 5321 §5.1, RFC 7505).
 */
import { MxHostArgs } from "../../../components/plan/args";
import { MxRecord, parseMx, validateMxSet } from "../../../components/records/mx";
import { fqdn } from "../../../components/records/names";
import { located } from "../findings";
import { ZoneRecord, resolveName } from "../zonefile";
import { DomainBuild, place } from "./model";
import { checkDoubledOrigin } from "./select";
import { MapContext } from "./context";

export function mapMx(ctx: MapContext, b: DomainBuild, used: ZoneRecord[]): { mx: MxHostArgs[]; nullMx: boolean } {
  const accepted: MxRecord[] = [];
  for (const r of b.mx) {
    const [pref = "", exchange = ""] = r.rdata;
    let host = exchange;
    if (exchange !== "." && exchange !== "" && r.rdata.length === 2) {
      const resolved = resolveName(exchange, r.origin);
      if (resolved.name === undefined) {
        ctx.leftOut(r, `its host name ${exchange} ${resolved.error ?? "is invalid"}`, "error");
        continue;
      }
      checkDoubledOrigin(ctx, r, exchange, resolved.name, "MX host");
      host = fqdn(resolved.name);
    }
    const parsed = parseMx(r.rdata.length === 2 ? `${pref} ${host}` : r.rdata.join(" "));
    ctx.report(located(parsed.diagnostics, place(r)), b.domain);
    if (parsed.model.priority === undefined || parsed.model.exchange === undefined || parsed.diagnostics.some((d) => d.severity === "error")) {
      ctx.leftOut(r, "the MX record is invalid (see above)", "error");
      continue;
    }
    accepted.push(parsed.model as MxRecord);
    used.push(r);
  }
  const set = validateMxSet(accepted, "mx");
  ctx.report(located(set, { file: b.mx[0]?.file, line: b.mx[0]?.line, owner: b.domain }), b.domain);
  const mx = accepted
    .filter((r) => r.exchange !== ".")
    .sort((x, y) => x.priority - y.priority || x.exchange.localeCompare(y.exchange))
    .map((r) => ({ host: r.exchange, priority: r.priority }));
  // Exact duplicates cannot exist in a loaded zone; the same host twice with two preferences can.
  return { mx, nullMx: accepted.some((r) => r.exchange === ".") };
}
