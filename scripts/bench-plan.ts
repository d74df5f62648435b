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
 * Then the absolute figure a user sees: the same 1,000 domains as a TypeScript program planned by
 * the installed command (`node bin/maildomain.js plan --json`, compiled dist/, the program
 * compiled by ts-node), wall time and peak RSS, median of `--command-runs` (3); and, once, the
 * way the command ran before it was compiled (ts-node compiling cli/ and the component sources,
 * with source-map-support left in place): the baseline of the same run.
 *
 *   npm run bench:plan [-- --domains 1000 --runs 5 --command-runs 3 --before-runs 1]
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
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
const COMMAND_RUNS = flag("command-runs", 3);
const BEFORE_RUNS = flag("before-runs", 1);

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

/** A TypeScript program declaring the benchmark's domains, importing MailDomain from `componentsPath`. */
function writeProgram(dir: string, componentsPath: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: bench-plan\nruntime: nodejs\n");
  fs.writeFileSync(
    path.join(dir, "index.ts"),
    `import { generateKeyPairSync } from "node:crypto";
import { DmarcPolicy, MailDomain, SpfAll } from ${JSON.stringify(componentsPath)};
const publicKeyPem = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString();
for (let i = 0; i < ${DOMAINS}; i++) {
  const domain = \`d\${i}.example.com\`;
  new MailDomain(\`d\${i}\`, {
    domain,
    cloudflare: { zoneId: "0123456789abcdef0123456789abcdef" },
    mx: [{ host: \`mx1.\${domain}\`, priority: 10 }, { host: \`mx2.\${domain}\`, priority: 20 }],
    spf: { mx: true, all: SpfAll.Fail },
    dkim: [{ selector: "s1", publicKey: publicKeyPem }],
    dmarc: { policy: DmarcPolicy.Reject, rua: [\`mailto:dmarc@\${domain}\`] },
  });
}
`,
  );
}

/** One `plan --json` of a program, in a fresh process: wall seconds and peak RSS (MB, from scripts/report-max-rss.js). */
function planOnce(entry: string, programDir: string): { seconds: number; peakRssMb: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", path.join(__dirname, "report-max-rss.js"), entry, "plan", "--cwd", programDir, "--json"], { cwd: ROOT, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`plan of ${programDir} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  const kib = Number(/maildomain-bench max-rss (\d+)/.exec(r.stderr)?.[1]);
  return { seconds, peakRssMb: kib / 1024 };
}

function installedCommand(): void {
  if (!fs.existsSync(path.join(ROOT, "dist/cli/main.js"))) throw new Error("dist/ is not built: run npm run build first");
  const after = path.join(OUT_DIR, "plan-program");
  const before = path.join(OUT_DIR, "plan-program-before");
  writeProgram(after, "../../components");
  writeProgram(before, path.join(ROOT, "components"));
  const beforeBin = path.join(OUT_DIR, "ts-node-bin.js");
  fs.writeFileSync(
    beforeBin,
    `require("ts-node").register({ transpileOnly: true, project: ${JSON.stringify(path.join(ROOT, "tsconfig.json"))} });
require(${JSON.stringify(path.join(ROOT, "cli/main"))}).main(process.argv.slice(2)).then((c) => { process.exitCode = c; });`,
  );
  const runs = { after: [] as { seconds: number; peakRssMb: number }[], before: [] as { seconds: number; peakRssMb: number }[] };
  for (let i = 0; i < Math.max(COMMAND_RUNS, BEFORE_RUNS); i++) {
    if (i < COMMAND_RUNS) {
      runs.after.push(planOnce(path.join(ROOT, "bin/maildomain.js"), after));
      process.stderr.write(`command run ${i + 1}/${COMMAND_RUNS}: ${runs.after[i].seconds.toFixed(1)} s, peak RSS ${runs.after[i].peakRssMb.toFixed(0)} MB\n`);
    }
    if (i < BEFORE_RUNS) {
      runs.before.push(planOnce(beforeBin, before));
      process.stderr.write(`before (ts-node) run ${i + 1}/${BEFORE_RUNS}: ${runs.before[i].seconds.toFixed(1)} s, peak RSS ${runs.before[i].peakRssMb.toFixed(0)} MB\n`);
    }
  }
  const med = (xs: { seconds: number; peakRssMb: number }[], k: "seconds" | "peakRssMb") => median(xs.map((x) => x[k]));
  console.log(`\n${DOMAINS} domains as a TypeScript program, planned by the command (maildomain plan --json)`);
  console.log(`${"".padEnd(34)} ${"installed".padStart(12)} ${"ts-node".padStart(12)} ${"ratio".padStart(8)}`);
  console.log(`${"wall time".padEnd(34)} ${`${med(runs.after, "seconds").toFixed(1)} s`.padStart(12)} ${`${med(runs.before, "seconds").toFixed(1)} s`.padStart(12)} ${(med(runs.after, "seconds") / med(runs.before, "seconds")).toFixed(2).padStart(7)}×`);
  console.log(`${"peak RSS".padEnd(34)} ${`${med(runs.after, "peakRssMb").toFixed(0)} MB`.padStart(12)} ${`${med(runs.before, "peakRssMb").toFixed(0)} MB`.padStart(12)} ${(med(runs.after, "peakRssMb") / med(runs.before, "peakRssMb")).toFixed(2).padStart(7)}×`);
  console.log(`(median of ${COMMAND_RUNS} installed and ${BEFORE_RUNS} ts-node runs)`);
}

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
  installedCommand();
}

main();
