/**
 * The args of one mail domain: each record kind mapped, one TTL chosen, then the args planned by
 * the component's own planner, so that what is printed is exactly what the component accepts.
 */
import { DEFAULT_TTL, planMailDomain } from "../../../components/plan/plan";
import { MailRecordsArgs } from "../../../components/plan/args";
import { Place, finding } from "../findings";
import { presetHints } from "../presets";
import { ZoneRecord } from "../zonefile";
import { DomainBuild, ImportedDomain } from "./model";
import { mapMx } from "./mx";
import { mapDomainTxt } from "./domain-txt";
import { mapDkim } from "./dkim";
import { mapDmarc } from "./dmarc";
import { mapMtaSts } from "./mta-sts";
import { mapTlsRpt } from "./tls-rpt";
import { mapBimi } from "./bimi";
import { MapContext } from "./context";

/** The args of one mail domain, planned; the planner's errors and new warnings become findings. */
export function buildDomain(ctx: MapContext, b: DomainBuild): ImportedDomain {
  const used: ZoneRecord[] = [];
  const args: MailRecordsArgs = { domain: b.domain };
  const mx = mapMx(ctx, b, used);
  const txt = mapDomainTxt(ctx, b, used);
  const dkim = mapDkim(ctx, b, used);
  const dmarc = mapDmarc(ctx, b, used);
  const mtaSts = mapMtaSts(ctx, b, used, mx);
  const tlsRpt = mapTlsRpt(ctx, b, used);
  const bimi = mapBimi(ctx, b, used);
  const ttl = chooseTtl(ctx, b, used);
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
  ctx.imported += used.length;

  const plan = planMailDomain(args);
  const known = ctx.codesByDomain.get(b.domain) ?? new Set<string>();
  const at: Place = { file: used[0]?.file, owner: b.domain };
  for (const e of plan.errors) {
    ctx.findings.push({ ...e, ...at, message: `the component refuses the imported args: ${e.message}` });
  }
  for (const w of plan.warnings) {
    if (!known.has(w.code)) ctx.findings.push({ ...w, ...at });
  }
  for (const note of plan.notes) ctx.findings.push(finding("plan.note", "info", note, at));
  const parent = b.domain === ctx.apex ? undefined : ctx.apex;
  for (const hint of presetHints(args, parent)) ctx.findings.push(finding("import.preset", "info", hint, at));
  return { args, records: used, plan };
}

export function chooseTtl(ctx: MapContext, b: DomainBuild, used: ZoneRecord[]): number {
  if (used.length === 0) return DEFAULT_TTL;
  const counts = new Map<number, number>();
  for (const r of used) counts.set(r.ttl, (counts.get(r.ttl) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((x, y) => y[1] - x[1] || y[0] - x[0]);
  const ttl = ranked[0][0];
  if (ranked.length > 1) {
    const others = ranked.slice(1).map(([t, n]) => `${n} with ${t}`).join(", ");
    ctx.report([finding("import.ttl", "info", `the mail records of ${b.domain} have different TTLs (${ranked[0][1]} with ${ttl}, ${others}): MailDomain uses one TTL per domain, ${ttl}.`, { file: used[0].file, owner: b.domain }, "", "ttl")], b.domain);
  }
  return ttl;
}
