/**
 * Canonical text of a DKIM key record: tags in the order `v k h s t n`, then tags this version
 * does not define, then `p` last (the long one), separated by `; ` (RFC 6376 §3.2, §3.6.1).
 */
import { Tag, renderTagList } from "../tags";
import { DkimKeyRecord } from "./model";

export function renderDkim(rec: DkimKeyRecord): string {
  const tags: Tag[] = [];
  if (rec.version !== undefined) tags.push({ name: "v", value: rec.version });
  if (rec.keyType !== undefined) tags.push({ name: "k", value: rec.keyType });
  if (rec.hashAlgorithms !== undefined) tags.push({ name: "h", value: rec.hashAlgorithms.join(":") });
  if (rec.serviceTypes !== undefined) tags.push({ name: "s", value: rec.serviceTypes.join(":") });
  if (rec.flags !== undefined) tags.push({ name: "t", value: rec.flags.join(":") });
  if (rec.notes !== undefined) tags.push({ name: "n", value: rec.notes });
  for (const t of rec.extraTags ?? []) tags.push({ name: t.name, value: t.value });
  if (rec.publicKey !== undefined) tags.push({ name: "p", value: rec.publicKey });
  return renderTagList(tags);
}
