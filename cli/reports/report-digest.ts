/**
 * A report's identity as a short digest, for counting distinct reports in a run. A digest, not the key itself:
 * the key's parts are slices of the report's text, and V8 would keep every whole report alive through them
 * (measured: 18 KB per report, memory growing with the run).
 */
import { createHash } from "node:crypto";
import { keyString, reportKey, type Report } from "../../reports/model";

export function reportDigest(report: Report): string {
  return createHash("sha1").update(keyString(reportKey(report))).digest("base64");
}
