/**
 * `npm run bench:message [-- --sizes 500,1000,2000,10000,20000,50000,100000 --runs 3]`: how `maildomain check --message` grows with
 * the number of header fields. Each message has N folded `Received:` fields (two lines each, as MTAs write them)
 * above a small signed-looking header and body; the check runs in-process with a DNS backend that answers NXDOMAIN
 * at once, so what is measured is the message handling (header reading, limits, mailauth), not the network.
 *
 * Prints, per size, the median wall time of `runs` runs and the time per field: linear growth keeps the time per
 * field flat as the size grows (within each of the two paths), quadratic growth makes it grow with the size.
 * The machine may be shared: say so next to the figures (CPU time is printed too, which load inflates less).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { runCheck } from "../cli/check/command";
import type { DnsBackend } from "../cli/check/dns/resolver";
import type { Io } from "../cli/io";
import { messageWithReceived } from "../test/support/messages";

const args = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : args[i + 1];
}
const SIZES = option("sizes", "500,1000,2000,10000,20000,50000,100000").split(",").map(Number);
const RUNS = Number(option("runs", "3"));
if (SIZES.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(RUNS) || RUNS < 1) throw new Error("--sizes takes whole numbers separated by commas, --runs a whole number");

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const nxdomain: DnsBackend = () => Promise.reject(Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" }));
const quiet: Io = { stdout: () => undefined, stderr: () => undefined, stdoutIsTTY: false, stderrIsTTY: false };

async function once(file: string): Promise<{ ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await runCheck({ domains: [], selector: [], json: true, timeout: 1000, retries: 0, concurrency: 32, message: file, ip: "192.0.2.1" }, quiet, { backend: nxdomain });
  const c = process.cpuUsage(cpu);
  return { ms: performance.now() - t, cpuMs: (c.user + c.system) / 1000 };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-bench-message-"));
  try {
    console.log(`check --message with N folded Received: fields, median of ${RUNS} run(s) per size (${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(2)})`);
    await once(writeMessage(dir, 100)); // module loading and JIT, not measured
    for (const n of SIZES) {
      const file = writeMessage(dir, n);
      const runs: Array<{ ms: number; cpuMs: number }> = [];
      for (let i = 0; i < RUNS; i++) runs.push(await once(file));
      const ms = median(runs.map((r) => r.ms));
      const cpuMs = median(runs.map((r) => r.cpuMs));
      const size = fs.statSync(file).size;
      // Up to Gmail's limits (5,000 fields, 500 KB) mailauth authenticates the message; above them it is refused unread.
      const path = n <= 5000 && size <= 500 * 1024 ? "authenticated" : "over Gmail's header limits";
      console.log(`  ${String(n).padStart(7)} fields (${(size / 1e6).toFixed(1)} MB, ${path}): ${ms.toFixed(0).padStart(7)} ms (CPU ${cpuMs.toFixed(0)} ms), ${((ms * 1000) / n).toFixed(2)} µs per field`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function writeMessage(dir: string, n: number): string {
  const file = path.join(dir, `received-${n}.eml`);
  fs.writeFileSync(file, messageWithReceived(n));
  return file;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
