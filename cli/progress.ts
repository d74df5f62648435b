/**
 * A progress line on stderr, for commands whose input can be large: shown only when stderr is a terminal and
 * the work has already taken `delayMs` (a small input finishes before any line appears), redrawn at most every
 * `intervalMs`, and erased when the work is done so the output that follows starts on a clean line.
 */
import type { Io } from "./io";

export class ProgressLine {
  private started: number;
  private last = 0;
  private shown = false;

  constructor(
    private readonly io: Io,
    private readonly now: () => number = Date.now,
    private readonly opts: { delayMs: number; intervalMs: number } = { delayMs: 1000, intervalMs: 200 },
  ) {
    this.started = now();
  }

  /** `text` is computed only when the line is drawn. */
  update(text: () => string): void {
    if (!this.io.stderrIsTTY) return;
    const t = this.now();
    if (t - this.started < this.opts.delayMs || t - this.last < this.opts.intervalMs) return;
    this.last = t;
    this.shown = true;
    const width = Math.max(20, (this.io.columns ?? 100) - 1);
    this.io.stderr(`\r\x1b[K${text().slice(0, width)}`);
  }

  done(): void {
    if (this.shown) this.io.stderr("\r\x1b[K");
    this.shown = false;
  }
}
