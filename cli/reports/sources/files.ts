/**
 * Files and folders as inputs. A folder is read recursively in name order; a Maildir (a folder with `cur/` and
 * `new/`) is read as its messages (`cur/`, `new/`, and Maildir++ subfolders such as `.Archive/`), never its
 * `tmp/` (messages still being delivered) or the mail server's index files; an mbox file is read one message at
 * a time. Hidden files and folders elsewhere are skipped. Each file or message is one unit: its reports are
 * committed together.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { childSource, finding } from "../../../reports/findings";
import { Limits } from "./limits";
import { mboxMessages } from "./mbox";
import type { InputUnit } from "./unit";

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function isMaildir(dir: string): boolean {
  return isDir(path.join(dir, "cur")) && isDir(path.join(dir, "new"));
}

function sortedEntries(dir: string): fs.Dirent[] {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

interface Walk {
  limits: Limits;
  /** Folders already read (real paths), against symbolic-link loops. */
  seen: Set<string>;
  /**
   * Files never read as input (the store's own database and its journals), by device and inode: the walk
   * learns both from the fstat it makes anyway, where resolving each file's real path would cost an lstat per
   * path component.
   */
  exclude: Set<string>;
}

const fileId = (st: fs.Stats): string => `${st.dev}:${st.ino}`;

async function* readDir(dir: string, w: Walk): AsyncGenerator<InputUnit> {
  let real: string;
  let entries: fs.Dirent[];
  try {
    real = fs.realpathSync(dir);
    entries = sortedEntries(dir);
  } catch (e) {
    yield unreadable(dir, e as Error);
    return;
  }
  if (w.seen.has(real)) return; // a symbolic link back to a folder already read
  w.seen.add(real);
  if (isMaildir(dir)) {
    for (const sub of ["cur", "new"]) yield* readDir(path.join(dir, sub), w);
    for (const e of entries) if (e.name.startsWith(".") && e.name !== "." && e.name !== ".." && isMaildir(path.join(dir, e.name))) yield* readDir(path.join(dir, e.name), w);
    return;
  }
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory() || (e.isSymbolicLink() && isDir(p))) yield* readDir(p, w);
    else yield* readFile(p, w.limits, w.exclude);
  }
}

function unreadable(p: string, e: Error): InputUnit {
  return { source: p, findings: [finding("source.unreadable", "error", p, `it cannot be read (${e.message}); check its permissions.`)], rejected: 1 };
}

/**
 * One file as a unit (an mbox: one unit per message). The file is opened once: its type, size and first bytes
 * come from the same descriptor its content is read from. `exclude` (a folder walk's) skips the store's files.
 */
async function* readFile(file: string, limits: Limits, exclude?: Set<string>): AsyncGenerator<InputUnit> {
  let fd: number | undefined;
  let bytes: Buffer | undefined;
  let size: number;
  let mbox: boolean;
  try {
    fd = fs.openSync(file, "r");
    const st = fs.fstatSync(fd);
    if (!st.isFile() || exclude?.has(fileId(st))) return; // sockets, devices, FIFOs; the store itself
    size = st.size;
    const head = Buffer.alloc(5);
    mbox = fs.readSync(fd, head, 0, 5, 0) === 5 && head.toString("latin1") === "From ";
    if (!mbox && size <= limits.maxBytes) bytes = fs.readFileSync(fd);
  } catch (e) {
    yield unreadable(file, e as Error);
    return;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  if (mbox) {
    try {
      for await (const m of mboxMessages(fs.createReadStream(file))) yield { source: childSource(file, `message ${m.index}`), bytes: m.bytes };
    } catch (e) {
      yield unreadable(file, e as Error);
    }
    return;
  }
  if (bytes === undefined) {
    yield {
      source: file,
      findings: [finding("source.too-large", "error", file, `the file holds ${size.toLocaleString("en-US")} bytes, over the limit of ${limits.maxBytes.toLocaleString("en-US")} for one report; it was not read. If it is a real report, read it again with a larger --max-size.`)],
      rejected: 1,
    };
    return;
  }
  yield { source: file, bytes };
}

/**
 * Every unit under the given paths, in order. Paths were checked to exist by the command. `exclude` names files
 * a folder walk skips (the SQLite store and its -wal/-shm/-journal files, when the store sits in a folder being
 * read); a file given by name is always read.
 */
export async function* fileUnits(paths: string[], limits: Limits, exclude: string[] = []): AsyncGenerator<InputUnit> {
  const w: Walk = { limits, seen: new Set(), exclude: new Set() };
  for (const e of exclude) {
    try {
      w.exclude.add(fileId(fs.statSync(e)));
    } catch {
      // not there (yet): a journal file that does not exist needs no skipping
    }
  }
  for (const p of paths) {
    if (isDir(p)) yield* readDir(p, w);
    else yield* readFile(p, limits);
  }
}
