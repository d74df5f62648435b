/**
 * `npm run bench:args [-- --runs 5]`: what refusing bad arguments costs, at sizes that show
 * whether it grows linearly.
 *
 * 1. One mail domain with N invalid `extraTxt` values (a quote in each), N = 10,000, 20,000 and
 *    100,000: refused whole at the list's cap, so the cost is one pass over the list.
 * 2. A stack config of N domains, each with an invalid value, an unknown key and a misspelled zone
 *    argument, N = 1,000, 2,000 and 10,000: the stack-config reader checks every entry and
 *    collects 3N diagnostics into one error.
 * 3. The worst single plan under the caps: every list at its cap, every entry invalid.
 *
 * Median of `runs` runs per size (one warm-up run first), with the cost per entry and the growth
 * between sizes next to what linear growth would be. The load average is printed: the figures are
 * only comparable on an otherwise idle machine.
 */
import * as os from "node:os";
import { performance } from "node:perf_hooks";
import { MailDomainArgsError } from "../components/errors";
import { planMailDomain } from "../components/plan/plan";
import { stackDomains } from "../components/stack-config";

const argv = process.argv.slice(2);
const at = argv.indexOf("--runs");
const RUNS = at >= 0 ? Number(argv[at + 1]) : 5;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error("--runs must be a whole number of at least 1");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median milliseconds of `fn` over RUNS runs, after one warm-up run; `fn` returns what it produced. */
function measure(fn: () => number): { ms: number; produced: number } {
  let produced = fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    produced = fn();
    times.push(performance.now() - t);
  }
  return { ms: median(times), produced };
}

function series(title: string, sizes: number[], what: string, make: (n: number) => () => number): void {
  console.log(`\n${title}`);
  const results = sizes.map((n) => ({ n, ...measure(make(n)) }));
  for (const r of results) console.log(`  N = ${String(r.n).padStart(7)}: ${r.ms.toFixed(3).padStart(10)} ms median, ${((r.ms * 1000) / r.n).toFixed(3)} µs per entry, ${r.produced} ${what}`);
  const [a, b] = results;
  const last = results[results.length - 1];
  console.log(`  growth from N = ${a.n} to ${b.n}: ×${(b.ms / a.ms).toFixed(2)}; from ${a.n} to ${last.n}: ×${(last.ms / a.ms).toFixed(2)} (linear: ×${(b.n / a.n).toFixed(0)} and ×${(last.n / a.n).toFixed(0)})`);
}

const domainWithInvalidTxt = (n: number) => {
  const args = { domain: "example.com", cloudflare: {}, extraTxt: Array.from({ length: n }, (_, i) => `token"${i}`) };
  return () => planMailDomain(args).errors.length;
};

const stackOfInvalidDomains = (n: number) => {
  const entries = Array.from({ length: n }, (_, i) => ({
    domain: `d${i}.example.com`,
    cloudflare: { zonename: "example.com" },
    spff: { mx: true },
    extraTxt: [`token"${i}`],
  }));
  return () => {
    try {
      stackDomains(entries);
      return 0;
    } catch (e) {
      return (e as MailDomainArgsError).diagnostics.length;
    }
  };
};

const worstPlanUnderCaps = () => {
  const bad = (i: number) => `bad value ${i}`;
  const args = {
    domain: "example.com",
    cloudflare: {},
    mx: Array.from({ length: 50 }, (_, i) => ({ host: bad(i), priority: 70000 + i })),
    spf: { ip4: Array.from({ length: 100 }, (_, i) => `300.0.0.${i}`), include: Array.from({ length: 100 }, bad) },
    dkim: Array.from({ length: 100 }, (_, i) => ({ selector: bad(i), publicKey: "not a key" })),
    dmarc: { policy: "block", rua: Array.from({ length: 10 }, bad) },
    extraTxt: Array.from({ length: 100 }, (_, i) => `v=spf1 ip4:300.1.1.${i} redirect=a redirect=b`),
  };
  return () => planMailDomain(args as never).errors.length;
};

console.log(`bench:args on Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}, ${RUNS} runs per size`);
series("1. one domain with N invalid extraTxt values", [10_000, 20_000, 100_000], "error(s)", domainWithInvalidTxt);
series("2. a stack config of N invalid domains", [1_000, 2_000, 10_000], "errors", stackOfInvalidDomains);
const worst = measure(worstPlanUnderCaps());
console.log(`\n3. the worst single plan under the caps: ${worst.ms.toFixed(1)} ms median, ${worst.produced} errors`);
console.log(`\nload average after: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
