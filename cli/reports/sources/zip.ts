/**
 * zip archives through yauzl (a well-kept streaming reader that checks each entry's real size against its
 * header): an entry whose declared size is over the limit is refused before it is inflated, and inflating stops
 * as soon as the entries' bytes pass the limit, whatever the headers claim. Directories are skipped, encrypted
 * entries refused.
 */
import yauzl from "yauzl";
import { childSource, finding, ReportFinding } from "../../../reports/findings";
import { formatSize, Limits } from "./limits";

export interface ZipEntry {
  name: string;
  source: string;
  bytes: Buffer;
}

const BOMB = "RFC 9990 (Security Considerations)";

export function unzip(bytes: Buffer, source: string, limits: Limits): Promise<{ entries: ZipEntry[]; findings: ReportFinding[] }> {
  return new Promise((resolve) => {
    const entries: ZipEntry[] = [];
    const findings: ReportFinding[] = [];
    let total = 0;
    let settled = false;
    const finish = (extra?: ReportFinding) => {
      if (settled) return;
      settled = true;
      if (extra) findings.push(extra);
      resolve({ entries, findings });
    };
    const broken = (e: Error) => finding("source.bad-zip", "error", source, `the zip archive cannot be read (${e.message}): it is truncated or damaged, so ${entries.length ? "only the entries before the damage were read" : "nothing in it was read"}.`, "PKWARE APPNOTE");

    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (err, zip) => {
      if (err || !zip) return finish(broken(err ?? new Error("no archive")));
      let count = 0;
      zip.on("error", (e: Error) => finish(broken(e)));
      zip.on("end", () => finish());
      zip.on("entry", (entry: yauzl.Entry) => {
        const name = entry.fileName;
        const where = childSource(source, name);
        if (name.endsWith("/")) return zip.readEntry();
        if (++count > limits.maxZipEntries) {
          zip.close();
          return finish(finding("source.too-many-entries", "error", source, `the zip archive has more than ${limits.maxZipEntries} entries; the rest were not read. Reporters send one report per archive: unpack it and read the folder instead.`, BOMB));
        }
        if ((entry.generalPurposeBitFlag & 0x1) !== 0) {
          findings.push(finding("source.encrypted-zip", "error", where, "this zip entry is encrypted, so it cannot be read. Reporters never encrypt reports: decrypt it and read the result."));
          return zip.readEntry();
        }
        if (entry.uncompressedSize > limits.maxBytes || total + entry.uncompressedSize > limits.maxBytes) {
          findings.push(finding("source.too-large", "error", where, `this zip entry inflates to ${formatSize(entry.uncompressedSize)}, over the limit of ${formatSize(limits.maxBytes)} for one report: refused as a possible zip bomb. If it is a real report, read it again with a larger --max-size.`, BOMB));
          return zip.readEntry();
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) {
            findings.push(broken(e ?? new Error("no stream")));
            return zip.readEntry();
          }
          const chunks: Buffer[] = [];
          let size = 0;
          let failed = false;
          stream.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (total + size > limits.maxBytes && !failed) {
              failed = true;
              stream.destroy();
              findings.push(finding("source.too-large", "error", where, `this zip entry inflates to more than ${formatSize(limits.maxBytes)}, the limit for one report, whatever its header says: refused as a possible zip bomb.`, BOMB));
              zip.readEntry();
              return;
            }
            chunks.push(chunk);
          });
          stream.on("error", (se: Error) => {
            if (failed) return;
            failed = true;
            findings.push(finding("source.bad-zip", "error", where, `this zip entry cannot be decompressed (${se.message}): the archive is damaged, so this entry was not read.`, "PKWARE APPNOTE"));
            zip.readEntry();
          });
          stream.on("end", () => {
            if (failed) return;
            total += size;
            entries.push({ name, source: where, bytes: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
