/**
 * `<selector>._bimi.D` → `bimi`: one record per domain.
 */
import { BimiArgs } from "../../../components/plan/args";
import { parseBimi } from "../../../components/records/bimi";
import { finding, located } from "../findings";
import { ZoneRecord } from "../zonefile";
import { DomainBuild, place } from "./model";
import { MapContext } from "./context";

export function mapBimi(ctx: MapContext, b: DomainBuild, used: ZoneRecord[]): BimiArgs | undefined {
  let result: BimiArgs | undefined;
  const selectors = [...b.bimi.keys()].sort((x, y) => (x === "default" ? -1 : y === "default" ? 1 : x.localeCompare(y)));
  for (const selector of selectors) {
    for (const [i, t] of (b.bimi.get(selector) ?? []).entries()) {
      const parsed = parseBimi(t.value);
      ctx.report(located(parsed.diagnostics, place(t.record)), b.domain);
      if (result || i > 0) {
        ctx.leftOut(t.record, result ? "MailDomain args hold one BIMI record per domain; the first selector was imported" : "a second BIMI record at the same name; the first was imported", "warning");
        continue;
      }
      if (parsed.model.location === undefined || parsed.model.location === "") {
        ctx.leftOut(t.record, parsed.model.location === "" ? "it declines BIMI (empty l=), which the bimi args cannot express: remove bimi to publish nothing" : "it has no usable logo URL (see above)", parsed.model.location === "" ? "info" : "error");
        continue;
      }
      result = { logoUrl: parsed.model.location };
      if (parsed.model.authority) result.authorityUrl = parsed.model.authority;
      if (selector !== "default") result.selector = selector;
      for (const [tag, v] of [["lps", parsed.model.localPartSelectors], ["avp", parsed.model.avatarPreference]] as const) {
        if (v !== undefined) ctx.report([finding("import.bimi-tag-left-out", "warning", `BIMI ${tag}=${v} is left out: the bimi args have no such setting.`, place(t.record), "draft-brand-indicators-for-message-identification §4.3", "bimi")], b.domain);
      }
      used.push(t.record);
    }
  }
  return result;
}
