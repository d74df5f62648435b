/**
 * `npm run bench:check [-- --domains 1000 --concurrency 32 --runs 5 --warmup 5]`: the throughput of `maildomain check`
 * against a real authoritative server, compared with the plain DNS loop it cannot beat.
 *
 * 1. Serve N domains from Knot (one zone each: MX with an address, SPF with one include at a shared provider, a
 *    DKIM key at a common selector, DMARC), plus the provider's zone.
 * 2. Check them all with `runCheck` (in-process, output rendered and discarded), recording the questions asked.
 * 3. Baseline: the same questions through a plain `node:dns` Resolver loop at the same concurrency, no parsing.
 * 4. Median of `runs` rounds (check and baseline alternate, `warmup` rounds first; no forced GC between runs: a
 *    full collection ages and flushes the check's optimized code, so every run would pay the JIT again);
 *    print domains/s, queries/s and the ratio of the two query rates. Target: the check reaches at least 0.7× the
 *    plain loop's rate.
 *
 * Knot must be installed (.ci/install-system-deps); MAILDOMAIN_DNS_SERVER=in-process uses the fallback server.
 * The machine should be otherwise idle: both sides are CPU-bound (node and knotd share the cores).
 */
import { generateKeyPair } from "node:crypto";
import { promises as dnsPromises } from "node:dns";
import { PerformanceObserver, performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { runCheck } from "../cli/check/command";
import type { DnsClient, RRType } from "../cli/check/dns/resolver";
import type { Io } from "../cli/io";
import { splitTxt } from "../components/records/txt";
import { startDnsServer, type Zone } from "../test/support/dns";

const args = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a whole number of at least 1`);
  return v;
}
const DOMAINS = option("domains", 1000);
const CONCURRENCY = option("concurrency", 32);
const RUNS = option("runs", 5);
const KEYS = option("keys", 8);
const WARMUP = option("warmup", 5);
const TIMEOUT = 3000;

const txt = (v: string) => splitTxt(v).map((s) => `"${s}"`).join(" ");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// BENCH_DEBUG=1: per run, main-thread GC pauses, event-loop utilization and CPU time (all threads).
const DEBUG = process.env.BENCH_DEBUG === "1";
let gcMs = 0;
if (DEBUG) new PerformanceObserver((list) => list.getEntries().forEach((e) => (gcMs += e.duration))).observe({ entryTypes: ["gc"] });
function probe(): (label: string) => void {
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const gc = gcMs;
  return (label) => {
    if (!DEBUG) return;
    const c = process.cpuUsage(cpu);
    console.log(`    ${label}: GC ${(gcMs - gc).toFixed(0)} ms, event loop ${(performance.eventLoopUtilization(elu).utilization * 100).toFixed(0)}% busy, CPU ${((c.user + c.system) / 1000).toFixed(0)} ms`);
  };
}

/** Keeps only the last document written (the check writes one), to explain a failing run. */
let lastOutput = "";
const keepIo: Io = { stdout: (t) => void (lastOutput = t), stderr: () => undefined, stdoutIsTTY: false, stderrIsTTY: false };

function explainFailure(code: number): string {
  try {
    const doc = JSON.parse(lastOutput) as { results: Array<{ domain: string; ok: boolean; findings: Array<{ code: string; severity: string; message: string }> }> };
    const bad = doc.results.filter((r) => !r.ok);
    const first = bad[0]?.findings.find((f) => f.severity === "error");
    return `exit code ${code}: ${bad.length} domain(s) with errors, e.g. ${bad[0]?.domain}: ${first?.code} ${first?.message}`;
  } catch {
    return `exit code ${code}`;
  }
}

async function makeKeys(n: number): Promise<string[]> {
  const gen = promisify(generateKeyPair);
  const pairs = await Promise.all(Array.from({ length: n }, () => gen("rsa", { modulusLength: 2048 })));
  return pairs.map(({ publicKey }) => publicKey.export({ type: "spki", format: "der" }).toString("base64"));
}

function zones(keys: string[]): { zones: Zone[]; domains: string[] } {
  const domains = Array.from({ length: DOMAINS }, (_, i) => `bench${String(i).padStart(4, "0")}.example`);
  const out: Zone[] = domains.map((d, i) => ({
    origin: d,
    records: [
      { name: d, type: "MX", value: `10 mx1.${d}.` },
      { name: `mx1.${d}`, type: "A", value: `198.51.${(i >> 8) & 255}.${i & 255}` },
      { name: d, type: "TXT", value: txt("v=spf1 mx include:_spf.esp.test -all") },
      { name: `s1._domainkey.${d}`, type: "TXT", value: txt(`v=DKIM1; k=rsa; p=${keys[i % keys.length]}`) },
      { name: `_dmarc.${d}`, type: "TXT", value: txt(`v=DMARC1; p=reject; rua=mailto:dmarc@${d}`) },
    ],
  }));
  out.push({ origin: "esp.test", records: [{ name: "_spf.esp.test", type: "TXT", value: txt("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all") }] });
  return { zones: out, domains };
}

interface CheckRun {
  ms: number;
  queries: number;
  code: number;
  questions: Array<{ name: string; type: RRType }>;
}

async function checkRun(server: string, domains: string[]): Promise<CheckRun> {
  let client: DnsClient | undefined;
  const done = probe();
  const t = performance.now();
  const code = await runCheck(
    { domains, server, selector: [], json: true, timeout: TIMEOUT, retries: 1, concurrency: CONCURRENCY },
    keepIo,
    { onClient: (c) => (client = c) },
  );
  const ms = performance.now() - t;
  done("check");
  return { ms, queries: client!.stats.queries, code, questions: client!.questions() };
}

async function plainRun(server: string, questions: Array<{ name: string; type: RRType }>): Promise<{ ms: number; errors: number }> {
  const r = new dnsPromises.Resolver({ timeout: TIMEOUT, tries: 1 }); // as the check configures its resolver
  r.setServers([server]);
  let next = 0;
  let errors = 0;
  const done = probe();
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < questions.length) {
        const q = questions[next++];
        try {
          await r.resolve(q.name, q.type as "TXT");
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code !== "ENOTFOUND" && code !== "ENODATA") errors++;
        }
      }
    }),
  );
  const ms = performance.now() - t;
  done("plain");
  return { ms, errors };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const keys = await makeKeys(KEYS);
  const { zones: zs, domains } = zones(keys);
  const dns = await startDnsServer(zs);
  const setup = performance.now() - t0;
  try {
    console.log(`maildomain check benchmark: ${DOMAINS} domains (MX, SPF with one include, DKIM, DMARC) on ${dns.kind} at ${dns.address}, concurrency ${CONCURRENCY}, median of ${RUNS} after ${WARMUP} warm-up rounds (setup ${(setup / 1000).toFixed(1)} s, ${KEYS} distinct DKIM keys)`);
    // Warm-up (module loading, JIT), not measured as throughput: V8 needs several thousand calls of each function
    // of the check before its code is optimized (measured: the check's time falls for ~5 runs of 1,000 domains,
    // the plain loop's after one). The first, cold run is printed for what a single invocation costs.
    for (let i = 0; i < WARMUP; i++) {
      const warm = await checkRun(dns.address, domains);
      if (warm.code !== 0) console.log(`  note: the benchmark domains should all pass the check; warm-up run ${i + 1}: ${explainFailure(warm.code)}`);
      const plain = await plainRun(dns.address, warm.questions);
      if (i === 0) console.log(`  cold (first) run: check ${warm.ms.toFixed(0)} ms (${((DOMAINS / warm.ms) * 1000).toFixed(0)} domains/s, ${((warm.queries / warm.ms) * 1000).toFixed(0)} q/s); plain loop ${plain.ms.toFixed(0)} ms (${((warm.queries / plain.ms) * 1000).toFixed(0)} q/s)`);
    }

    const checks: CheckRun[] = [];
    const plains: Array<{ ms: number; errors: number }> = [];
    for (let i = 0; i < RUNS; i++) {
      const c = await checkRun(dns.address, domains);
      if (c.code !== 0) console.log(`  note: run ${i + 1}: ${explainFailure(c.code)}`);
      const p = await plainRun(dns.address, c.questions);
      checks.push(c);
      plains.push(p);
      console.log(
        `  run ${i + 1}: check ${c.ms.toFixed(0)} ms for ${c.queries} questions (${((c.queries / c.ms) * 1000).toFixed(0)} q/s); plain loop ${p.ms.toFixed(0)} ms (${((c.queries / p.ms) * 1000).toFixed(0)} q/s${p.errors ? `, ${p.errors} errors` : ""})`,
      );
    }
    const checkMs = median(checks.map((c) => c.ms));
    const plainMs = median(plains.map((p) => p.ms));
    const queries = checks[0].queries;
    const checkQps = (queries / checkMs) * 1000;
    const plainQps = (queries / plainMs) * 1000;
    const ratio = checkQps / plainQps;
    console.log(`check:          ${DOMAINS} domains in ${(checkMs / 1000).toFixed(3)} s = ${((DOMAINS / checkMs) * 1000).toFixed(0)} domains/s; ${queries} DNS questions (${(queries / DOMAINS).toFixed(1)} per domain) = ${checkQps.toFixed(0)} queries/s`);
    console.log(`plain node:dns: the same ${queries} questions in ${(plainMs / 1000).toFixed(3)} s = ${plainQps.toFixed(0)} queries/s`);
    console.log(`ratio (check query rate ÷ plain loop query rate): ${ratio.toFixed(2)} (target ≥ 0.70: ${ratio >= 0.7 ? "met" : "NOT met"})`);
    if (args.includes("--json")) {
      console.log(JSON.stringify({ domains: DOMAINS, concurrency: CONCURRENCY, runs: RUNS, server: dns.kind, queries, checkMs, plainMs, domainsPerSecond: (DOMAINS / checkMs) * 1000, checkQps, plainQps, ratio }));
    }
  } finally {
    await dns.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
