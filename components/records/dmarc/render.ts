/**
 * Canonical text of a DMARC record: `v=DMARC1; p=…` first (RFC 7489 §6.4 requires v then p), then
 * `sp np pct rua ruf adkim aspf fo rf ri t psd`, then tags DMARC does not define; `; ` between
 * tags, `,` between URIs, `:` between list items.
 */
import { Tag, renderTagList } from "../tags";
import { renderReportUri } from "../uris";
import { DmarcRecord } from "./model";

export function renderDmarc(rec: DmarcRecord): string {
  const tags: Tag[] = [{ name: "v", value: "DMARC1" }];
  const add = (name: string, value: string | number | undefined) => {
    if (value !== undefined) tags.push({ name, value: String(value) });
  };
  add("p", rec.p);
  add("sp", rec.sp);
  add("np", rec.np);
  add("pct", rec.pct);
  add("rua", rec.rua?.map(renderReportUri).join(","));
  add("ruf", rec.ruf?.map(renderReportUri).join(","));
  add("adkim", rec.adkim);
  add("aspf", rec.aspf);
  add("fo", rec.fo?.join(":"));
  add("rf", rec.rf?.join(":"));
  add("ri", rec.ri);
  add("t", rec.t);
  add("psd", rec.psd);
  for (const t of rec.extraTags ?? []) tags.push({ name: t.name, value: t.value });
  return renderTagList(tags);
}
