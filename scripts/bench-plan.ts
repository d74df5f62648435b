/**
 * `npm run bench:plan`: the cost of declaring mail domains through MailDomain, against the same
 * DNS records declared as plain `cloudflare.DnsRecord` resources, under the same SDK mocks.
 *
 * 1,000 domains, each with two MX hosts, SPF, one DKIM selector with a supplied public key and
 * DMARC. Every run is a fresh child process (so peak memory is that run's own); the two variants
 * alternate, 5 runs each, and the medians are compared. Wall time is the program run: from the
 * first declaration until every registration has settled (module loading, the same for both up
 * to the extra provider modules the component loads, is printed separately). Memory is the peak
 * RSS of the process, and the growth of the peak over the RSS after module loading.
 *
 * The run script is compiled to JavaScript first (dist/bench): under ts-node, the source-map
 * support it installs makes every stack trace the SDK captures (one per resource promise) several
 * times more expensive, which would swamp both variants alike.
 *
 *   npm run bench:plan [-- --domains 1000 --runs 5]
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

interface RunResult {
  variant: string;
  importMs: number;
  programMs: number;
  rssAfterImportMb: number;
  peakRssMb: number;
  resources: number;
}

const args = process.argv.slice(2);
const flag = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const DOMAINS = flag("domains", 1000);
const RUNS = flag("runs", 5);

const ROOT = path.join(__dirname, "..");
const OUT_DIR = path.join(ROOT, "dist", "bench");

function compile(): void {
  const tsc = require.resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "--ignoreConfig", "--outDir", OUT_DIR, "--rootDir", ROOT, "--module", "commonjs", "--target", "ES2022", "--esModuleInterop", "--skipLibCheck", "--types", "node", path.join(__dirname, "bench-plan-run.ts")], { stdio: "inherit" });
}

function runChild(variant: "component" | "baseline"): RunResult {
  const out = execFileSync(process.execPath, [path.join(OUT_DIR, "scripts", "bench-plan-run.js"), variant, String(DOMAINS)], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split("\n").pop() as string) as RunResult;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function main(): void {
  compile();
  const results: Record<string, RunResult[]> = { component: [], baseline: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const v of i % 2 ? (["baseline", "component"] as const) : (["component", "baseline"] as const)) {
      const r = runChild(v);
      results[v].push(r);
      process.stderr.write(`run ${i + 1}/${RUNS} ${v.padEnd(9)} program ${r.programMs.toFixed(0)} ms, peak RSS ${r.peakRssMb.toFixed(0)} MB, ${r.resources} resources\n`);
    }
  }
  const m = (v: string, k: keyof RunResult) => median(results[v].map((r) => r[k] as number));
  const row = (label: string, k: keyof RunResult, unit: string) => {
    const c = m("component", k);
    const b = m("baseline", k);
    console.log(`${label.padEnd(34)} ${`${c.toFixed(1)} ${unit}`.padStart(12)} ${`${b.toFixed(1)} ${unit}`.padStart(12)} ${(c / b).toFixed(2).padStart(7)}×`);
  };
  console.log(`\n${DOMAINS} domains (2 MX, SPF, DKIM with a supplied key, DMARC each), median of ${RUNS} runs`);
  console.log(`${"".padEnd(34)} ${"MailDomain".padStart(12)} ${"DnsRecord".padStart(12)} ${"ratio".padStart(8)}`);
  row("program wall time", "programMs", "ms");
  row("peak RSS", "peakRssMb", "MB");
  const growth = (v: string) => median(results[v].map((r) => r.peakRssMb - r.rssAfterImportMb));
  console.log(`${"peak RSS growth during the program".padEnd(34)} ${`${growth("component").toFixed(1)} MB`.padStart(12)} ${`${growth("baseline").toFixed(1)} MB`.padStart(12)} ${(growth("component") / growth("baseline")).toFixed(2).padStart(7)}×`);
  row("module loading", "importMs", "ms");
  console.log(`${"resources registered".padEnd(34)} ${String(m("component", "resources")).padStart(12)} ${String(m("baseline", "resources")).padStart(12)}`);
}

main();
