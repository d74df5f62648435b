/**
 * How much one input may cost. Reports are small (a busy domain's daily report from Google is a few MB of XML),
 * so anything far larger is a mistake or an attack (a gzip or zip bomb inflates a few KB into GBs): it is
 * refused with a finding naming the limit, which `--max-size` raises.
 */
export interface Limits {
  /** The most bytes a file, a message, or one decompressed attachment or archive entry may hold. */
  maxBytes: number;
  /** The most entries one zip archive may have. */
  maxZipEntries: number;
  /** How deep containers may nest (a zip in a message in an mbox is 3). */
  maxDepth: number;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export const DEFAULT_LIMITS: Limits = { maxBytes: DEFAULT_MAX_BYTES, maxZipEntries: 1000, maxDepth: 6 };

/** `64M`, `1G`, `500k`, `1048576` (bytes; k/M/G are binary multiples). Undefined when unreadable. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)(i?[bB])?\s*$/.exec(text);
  if (!m) return undefined;
  const mult = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as "" | "k" | "m" | "g"];
  const n = Math.floor(Number(m[1]) * mult);
  return n >= 1 && Number.isSafeInteger(n) ? n : undefined;
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 3 && bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3}G`;
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}M`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024}k`;
  return `${bytes} bytes`;
}
