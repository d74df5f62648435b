/**
 * `_mta-sts.D` → `mtaSts` (RFC 8461 §3.1). The mode lives in the policy file, not in DNS.
 */
import { MtaStsArgs, MxHostArgs } from "../../../components/plan/args";
import { MtaStsMode } from "../../../components/records/enums";
import { isMtaStsTxtRecord, parseMtaStsTxt } from "../../../components/records/mta-sts";
import { finding, located } from "../findings";
import { ZoneRecord } from "../zonefile";
import { DomainBuild, place } from "./model";
import { selectRecord } from "./select";
import { MapContext } from "./context";

export function mapMtaSts(ctx: MapContext, b: DomainBuild, used: ZoneRecord[], mx: { mx: MxHostArgs[]; nullMx: boolean }): MtaStsArgs | undefined {
  if (b.mtaSts.length === 0) return undefined;
  const t = selectRecord(ctx, b, b.mtaSts, {
    isRecord: isMtaStsTxtRecord,
    diagnose: (v) => parseMtaStsTxt(v).diagnostics,
    notRecord: "not an MTA-STS record (it does not start with v=STSv1), so senders skip it",
    second: "a second MTA-STS record: senders then treat the domain as having no policy (RFC 8461 §3.1); the first was imported",
  });
  if (!t) return undefined;
  const parsed = parseMtaStsTxt(t.value);
  ctx.report(located(parsed.diagnostics, place(t.record)), b.domain);
  for (const x of parsed.model.extensions ?? []) {
    ctx.report([finding("import.mta-sts-tag-left-out", "info", `MTA-STS extension ${x.name}=${x.value} is left out: senders ignore unknown tags.`, place(t.record), "RFC 8461 §3.1", "mtaSts")], b.domain);
  }
  const hosts = mx.mx.map((m) => m.host);
  ctx.report(
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
  if (!ctx.names.has(`mta-sts.${b.domain}`)) {
    ctx.report([finding("import.mta-sts-host-missing", "warning", `the zone has no record for mta-sts.${b.domain}, the host senders fetch the policy from: without it they ignore the _mta-sts record.`, place(t.record), "RFC 8461 §3.3", "mtaSts")], b.domain);
  }
  used.push(t.record);
  return { mode: MtaStsMode.Testing };
}
