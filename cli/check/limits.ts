/**
 * The ranges of `maildomain check`'s numeric options, in one place: the command line parser (cli/main.ts) and
 * `runCheck` (for programmatic callers) both refuse a value outside them with the same usage message, and the
 * options table of docs/check.md documents them.
 *
 * Why these bounds:
 * - `--timeout`: node:dns hands the value to c-ares as a 32-bit integer (2147483648 is a RangeError deep inside
 *   the resolver), and an attempt that waits more than a minute only hides a dead server; 60 s is far above any
 *   real DNS round trip.
 * - `--retries`: every retry of a dropped question costs another timeout; 10 retries at the largest timeout is
 *   already 11 minutes for one question.
 * - `--concurrency`: c-ares slows down badly with tens of thousands of questions outstanding on one socket
 *   (measured: 2,000 domains take 2.2 s at 32, 4.6 s at 1,024 and 14 s at 60,000, and the loopback UDP buffers
 *   start dropping answers, which then time out), so more in flight never helps; 1,024 still leaves room for a
 *   resolver that can take it.
 */
export interface NumericOptionRange {
  flag: string;
  min: number;
  max: number;
  /** What the number counts, for the message ("milliseconds"). */
  unit: string;
}

export const CHECK_OPTION_RANGES = {
  timeout: { flag: "--timeout", min: 1, max: 60_000, unit: "milliseconds per DNS attempt" },
  retries: { flag: "--retries", min: 0, max: 10, unit: "retries after a timeout" },
  concurrency: { flag: "--concurrency", min: 1, max: 1024, unit: "DNS questions in flight" },
} as const satisfies Record<string, NumericOptionRange>;

export type NumericCheckOption = keyof typeof CHECK_OPTION_RANGES;

/** "--timeout must be a whole number from 1 to 60000 (milliseconds per DNS attempt)". */
export function rangeMessage(range: NumericOptionRange): string {
  return `${range.flag} must be a whole number from ${range.min} to ${range.max} (${range.unit})`;
}

const inRange = (range: NumericOptionRange, value: unknown): boolean =>
  typeof value === "number" && Number.isInteger(value) && value >= range.min && value <= range.max;

/** The problem with a value already parsed (programmatic callers), or undefined when it is in range. */
export function checkNumericOption(range: NumericOptionRange, value: unknown): string | undefined {
  return inRange(range, value) ? undefined : `${rangeMessage(range)}, got ${JSON.stringify(value)}`;
}

/**
 * Read the option's text as given on the command line: decimal digits only (no "1e3", "0x10", "12ms", "-1"), in
 * range. Throws an Error with the usage message (the parser around it shows the text given).
 */
export function parseNumericOption(range: NumericOptionRange, text: string): number {
  const trimmed = text.trim();
  const n = /^\d{1,16}$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!inRange(range, n)) throw new Error(rangeMessage(range));
  return n;
}
