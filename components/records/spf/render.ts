/**
 * Canonical SPF text: "v=spf1", then the terms separated by single spaces, mechanism names in lower
 * case, the "+" qualifier left out except on "all", where "+all" stays explicit so the danger shows.
 */
import { SPF_VERSION, SpfRecord } from "./model";
import { renderTerm } from "./term";

export { renderTerm };

export function renderSpf(record: SpfRecord): string {
  return [SPF_VERSION, ...record.terms.map(renderTerm)].join(" ");
}
