/**
 * The files `maildomain import` reads: the zone file named on the command line, and what its
 * `$INCLUDE` lines name. The reader (zonefile.ts) is pure; this is its I/O, and the rules a
 * security reviewer asks of a tool that reads untrusted zone files in CI:
 *
 * - `$INCLUDE` reads only inside the zone file's own folder and below, judged on the real path
 *   (symbolic links resolved), unless `--allow-include-outside DIR` allows another folder;
 * - only regular files: no devices (`/dev/zero`), FIFOs (which block), sockets or directories.
 *   The file is opened without following a link and without blocking, and checked on the open
 *   descriptor, so nothing can be swapped in between the check and the read;
 * - at most the bytes the reader's budget has left, read in chunks: a file that grows or lies
 *   about its size (`/proc`) cannot make the import read more;
 * - text only: NUL bytes mean a binary file, bytes that are not UTF-8 are reported by line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../io";
import { ImportFinding, finding } from "./findings";
import { IncludedFile, ReadOptions } from "./zonefile";

/** The largest zone file read (100,000 DKIM keys take about 60 MB). */
export const MAX_ZONE_FILE_BYTES = 512 * 1024 * 1024;

/** Bytes decoded as UTF-8, with a finding per line (up to a few) whose bytes are not UTF-8. */
export function decodeZoneBytes(bytes: Buffer, file: string): { text: string; findings: ImportFinding[] } {
  const text = bytes.toString("utf8");
  const findings: ImportFinding[] = [];
  if (!text.includes("\ufffd")) return { text, findings };
  const strict = new TextDecoder("utf-8", { fatal: true });
  let bad = 0;
  let first = 0;
  for (let start = 0, line = 1; start <= bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end < 0 ? bytes.length : end;
    try {
      strict.decode(bytes.subarray(start, stop));
    } catch {
      if (bad < 20) {
        findings.push(
          finding("zone.not-utf8", "error", `the line has bytes that are not UTF-8: they were read as U+FFFD (\ufffd), so a value on this line is not what the file holds. Save the file as UTF-8 (iconv -f latin1 -t utf-8), or write such bytes as \\DDD escapes.`, { file, line }, "RFC 1035 §5.1"),
        );
      }
      first ||= line;
      bad++;
    }
    if (end < 0) break;
    start = end + 1;
  }
  if (bad > 20) findings.push(finding("zone.not-utf8", "error", `${bad - 20} more lines have bytes that are not UTF-8.`, { file, line: first }, "RFC 1035 §5.1"));
  return { text, findings };
}

/**
 * Read at most `maxBytes` bytes from an open descriptor; `undefined` when the file has more.
 * Chunked, so that a file whose size is unknown or wrong is read only as far as the budget.
 */
function readBounded(fd: number, maxBytes: number): Buffer | undefined {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.allocUnsafe(1 << 20);
  for (;;) {
    const want = Math.min(chunk.length, maxBytes + 1 - total);
    if (want <= 0) return undefined;
    const n = fs.readSync(fd, chunk, 0, want, null);
    if (n === 0) return Buffer.concat(chunks, total);
    chunks.push(Buffer.from(chunk.subarray(0, n)));
    total += n;
    if (total > maxBytes) return undefined;
  }
}

const errnoText = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "ELOOP" ? "a symbolic link loop" : (code ?? (e as Error).message);
};

/**
 * The zone file named on the command line: a regular file, or a pipe (`<(…)`, a FIFO); usage
 * errors otherwise. What it is is decided before it is opened, so a device is never opened; a
 * FIFO is opened for reading as any reader does, and waits for its writer.
 */
export function readZoneInput(file: string): { text: string; findings: ImportFinding[] } {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new UsageError(`cannot read the zone file ${file}: ${errnoText(e)}.`);
  }
  if (st.isDirectory()) throw new UsageError(`${file} is a directory: give the zone file itself.`);
  if (!st.isFile() && !st.isFIFO()) throw new UsageError(`${file} is not a regular file (a device or a socket): give the zone file itself.`);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY);
  } catch (e) {
    throw new UsageError(`cannot read the zone file ${file}: ${errnoText(e)}.`);
  }
  try {
    // Checked again on what was opened: the name may have been swapped in between.
    const opened = fs.fstatSync(fd);
    if (!opened.isFile() && !opened.isFIFO()) throw new UsageError(`${file} is not a regular file (a device or a socket): give the zone file itself.`);
    let bytes: Buffer | undefined;
    try {
      bytes = readBounded(fd, MAX_ZONE_FILE_BYTES);
    } catch (e) {
      throw new UsageError(`cannot read the zone file ${file}: ${errnoText(e)}.`);
    }
    if (!bytes) throw new UsageError(`${file} is larger than ${MAX_ZONE_FILE_BYTES / 1024 / 1024} MiB, more than any zone export: give the zone file itself.`);
    if (bytes.includes(0)) throw new UsageError(`${file} is not a text file (it contains NUL bytes): give a BIND-format zone file.`);
    return decodeZoneBytes(bytes, file);
  } finally {
    fs.closeSync(fd);
  }
}

export interface IncludeRules {
  /** The zone file named on the command line, as given (its folder is where includes may read). */
  zoneFile: string;
  /** More folders `$INCLUDE` may read (`--allow-include-outside`), each with everything below it. */
  allowOutside?: readonly string[];
}

/** Real path of a folder given on the command line; a usage error when it is not one. */
function realFolder(dir: string, what: string): string {
  try {
    const real = fs.realpathSync(dir);
    if (!fs.statSync(real).isDirectory()) throw new UsageError(`${what} ${dir} is not a directory.`);
    return real;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${what} ${dir}: ${errnoText(e)}.`);
  }
}

const within = (real: string, folder: string): boolean => real === folder || real.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);

/** The `include` callback of the reader for a zone file on disk, with the rules above. */
export function includeReader(rules: IncludeRules): NonNullable<ReadOptions["include"]> {
  const home = realFolder(path.dirname(path.resolve(rules.zoneFile)), "the zone file's folder");
  const allowed = [home, ...(rules.allowOutside ?? []).map((d) => realFolder(d, "--allow-include-outside"))];
  /** Shown name → real path, so that a nested `$INCLUDE` is relative to the real folder of its file. */
  const realOf = new Map<string, string>([[rules.zoneFile, path.join(home, path.basename(rules.zoneFile))]]);
  return (name: string, fromFile: string, maxBytes: number): IncludedFile | { error: string } => {
    const base = path.dirname(realOf.get(fromFile) ?? path.resolve(fromFile));
    const shown = path.isAbsolute(name) ? name : path.join(path.dirname(fromFile), name);
    let real: string;
    try {
      real = fs.realpathSync(path.resolve(base, name));
    } catch (e) {
      return { error: `cannot read it (${errnoText(e)})` };
    }
    if (!allowed.some((folder) => within(real, folder))) {
      const more = allowed.length > 1 ? ` or the folders given with --allow-include-outside` : "";
      return {
        error: `it is outside the zone file's folder ${home}${more} (its real path, links resolved, is elsewhere): $INCLUDE reads only files in that folder and below. Pass --allow-include-outside DIR to allow another folder`,
      };
    }
    let fd: number;
    try {
      fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW);
    } catch (e) {
      return { error: `cannot read it (${errnoText(e)})` };
    }
    try {
      if (!fs.fstatSync(fd).isFile()) return { error: "it is not a regular file (a device, a FIFO, a socket or a directory): $INCLUDE reads only regular files" };
      let bytes: Buffer | undefined;
      try {
        bytes = readBounded(fd, maxBytes);
      } catch (e) {
        return { error: `cannot read it (${errnoText(e)})` };
      }
      if (!bytes) return { error: `it is larger than the ${maxBytes.toLocaleString("en-US")} bytes left of what one import reads from included files` };
      if (bytes.includes(0)) return { error: "it is not a text file (it contains NUL bytes)" };
      realOf.set(shown, real);
      const decoded = decodeZoneBytes(bytes, shown);
      return { file: shown, id: real, text: decoded.text, findings: decoded.findings };
    } finally {
      fs.closeSync(fd);
    }
  };
}
