/**
 * gzip (RFC 1952) through node:zlib with `maxOutputLength`: inflating stops at the limit instead of filling
 * memory, so a gzip bomb costs at most the limit. Concatenated members are read as one stream, as gzip does.
 */
import * as zlib from "node:zlib";
import { finding, ReportFinding } from "../../../reports/findings";
import { formatSize, Limits } from "./limits";

export function gunzip(bytes: Buffer, source: string, limits: Limits): { bytes?: Buffer; findings: ReportFinding[] } {
  try {
    return { bytes: zlib.gunzipSync(bytes, { maxOutputLength: limits.maxBytes }), findings: [] };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) {
      return {
        findings: [
          finding("source.too-large", "error", source, `the gzip data inflates to more than ${formatSize(limits.maxBytes)} (${formatSize(bytes.length)} compressed), the limit for one report: refused as a possible gzip bomb. If it is a real report, read it again with a larger --max-size.`, "RFC 9990 (Security Considerations)"),
        ],
      };
    }
    return { findings: [finding("source.bad-gzip", "error", source, `the gzip data cannot be decompressed (${err.message}): the file or attachment is truncated or damaged, so nothing in it was read.`, "RFC 1952")] };
  }
}
