/**
 * zip archives through yauzl (a well-kept reader of the central directory and local headers, strict about
 * their bounds): an entry whose declared size is over the limit is refused before it is inflated, and inflating
 * stops as soon as the entries' bytes pass the limit, whatever the headers claim. Directories are skipped,
 * encrypted entries refused.
 *
 * The archive is already in memory, so an entry's data is inflated here in one synchronous call on its slice
 * of the buffer (`maxOutputLength` bounds it) instead of through yauzl's read stream: the stream pipes 64 KB
 * chunks through an asynchronous zlib transform on the thread pool, which cost about 0.2 ms of CPU and a
 * wait per report-sized entry here (measured with bench:reports, where a quarter of the reports are zips).
 * The real size is checked against the header as yauzl's `validateEntrySizes` does.
 */
import * as zlib from "node:zlib";
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
        zip.readLocalFileHeader(entry, { minimal: true }, (e, header) => {
          if (e || !header) {
            findings.push(broken(e ?? new Error("no local file header")));
            return zip.readEntry();
          }
          const data = entryData(bytes.subarray(header.fileDataStart, header.fileDataStart + entry.compressedSize), entry, limits.maxBytes - total);
          if (data.bytes) {
            total += data.bytes.length;
            entries.push({ name, source: where, bytes: data.bytes });
          } else if (data.tooLarge) {
            findings.push(finding("source.too-large", "error", where, `this zip entry inflates to more than ${formatSize(limits.maxBytes)}, the limit for one report, whatever its header says: refused as a possible zip bomb.`, BOMB));
          } else if (data.unreadable) {
            findings.push(broken(data.unreadable));
          } else {
            findings.push(finding("source.bad-zip", "error", where, `this zip entry cannot be decompressed (${data.damaged!.message}): the archive is damaged, so this entry was not read.`, "PKWARE APPNOTE"));
          }
          zip.readEntry();
        });
      });
      zip.readEntry();
    });
  });
}

/**
 * An entry's content from its data in the archive: stored (method 0) as is, deflated (method 8) inflated with at
 * most `room` bytes of output. Its real size must be what the central directory says (yauzl checks stored
 * entries when it reads the directory; deflated ones are checked here, with yauzl's words).
 */
function entryData(raw: Buffer, entry: yauzl.Entry, room: number): { bytes?: Buffer; tooLarge?: true; unreadable?: Error; damaged?: Error } {
  let bytes: Buffer;
  if (entry.compressionMethod === 0) bytes = raw;
  else if (entry.compressionMethod !== 8) return { unreadable: new Error(`unsupported compression method: ${entry.compressionMethod}`) };
  else {
    try {
      bytes = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, room) });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) return { tooLarge: true };
      return { damaged: err };
    }
  }
  if (bytes.length > room) return { tooLarge: true };
  if (bytes.length > entry.uncompressedSize) return { damaged: new Error(`too many bytes in the stream. expected ${entry.uncompressedSize}. got at least ${bytes.length}`) };
  if (bytes.length < entry.uncompressedSize) return { damaged: new Error(`not enough bytes in the stream. expected ${entry.uncompressedSize}. got only ${bytes.length}`) };
  return { bytes };
}
