/**
 * mbox files (RFC 4155) one message at a time, through postalsys's mbox-reader: it streams the file (a
 * multi-gigabyte archive is never held whole), splits at `From ` lines and undoes the `>From ` quoting of
 * mboxrd. Each message comes with its 1-based position, which names it in findings.
 */
import type { Readable } from "node:stream";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { mboxReader } = require("mbox-reader") as { mboxReader: (input: Readable) => AsyncGenerator<{ content: Buffer; returnPath?: string }> };

export async function* mboxMessages(input: Readable): AsyncGenerator<{ index: number; bytes: Buffer }> {
  let index = 0;
  for await (const m of mboxReader(input)) {
    index++;
    yield { index, bytes: m.content };
  }
}
