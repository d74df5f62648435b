/**
 * The advisor's part of `npm run bench:reports`: the analysis of the stored reports with a declared plan, reverse
 * DNS and the declared SPF's lookups served by Knot on loopback.
 *
 * On a store bench:reports has just filled (10,000 reports), each measured run is a fresh child process that runs
 * `maildomain reports --db STORE --json --expect PLAN.json --server KNOT` (part 1's summary, the advisor's queries,
 * reverse DNS of every source IP, the declared SPF evaluated for every source of the four domains, the senders
 * and verdicts). The baseline, in the same run and on the same store: part 1's summary alone (what `maildomain
 * reports --db STORE --json` cost before the advisor). Median of `BENCH_RUNS` (3), runs alternating.
 *
 * Target (issue 12): the analysis ≤ 2 s on this machine.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cloudflareTxtContent } from "../components/providers/formats";
import { planMailDomain } from "../components/plan/plan";
import { DmarcPolicy, SpfAll } from "../components/records/enums";
import { startDnsServer, type Zone } from "../test/support/dns";

/** The corpus's domains (test/support/report-corpus.ts) as a plan declares them. */
const DOMAINS = ["example.com", "example.net", "shop.example", "news.example.org"];

/** `maildomain plan --json`'s shape, from the planner's record sets (Cloudflare records, as the component writes them). */
function planJson(): string {
  const resources = DOMAINS.flatMap((domain) => {
    const plan = planMailDomain({
      domain,
      cloudflare: { zoneId: "0123456789abcdef0123456789abcdef" },
      mx: [{ host: `mx1.${domain}`, priority: 10 }],
      spf: { mx: true, ip4: ["203.0.0.0/24"], include: ["_spf.esp.example"], all: SpfAll.Fail },
      dkim: [{ selector: "s2026", publicKey: "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=" }],
      dmarc: { policy: DmarcPolicy.None, rua: [`mailto:dmarc@${domain}`] },
    } as Parameters<typeof planMailDomain>[0]);
    if (plan.errors.length) throw new Error(`bench plan: ${plan.errors[0].message}`);
    return plan.sets.flatMap((s) =>
      s.values.map((v) => ({
        type: "cloudflare:index/dnsRecord:DnsRecord",
        name: `${domain}-${s.id}-${v.id}`,
        urn: `urn:pulumi:bench::maildomain::cloudflare:index/dnsRecord:DnsRecord::${domain}-${s.id}-${v.id}`,
        inputs: { name: s.name, type: s.type, ttl: s.ttl, content: s.type === "TXT" ? cloudflareTxtContent(v.content) : v.content, ...(v.priority !== undefined ? { priority: v.priority } : {}) },
      })),
    );
  });
  return JSON.stringify({ resources, violations: [] });
}

/** Reverse DNS for the corpus's address pools: the domain's servers, the ESP's, the forwarders'; spoofers have none. */
export function zones(): Zone[] {
  const ptr = (origin: string, first: string, count: number, name: (k: number) => string): Zone => ({
    origin,
    records: Array.from({ length: count }, (_, k) => ({ name: `${1 + (k % 254)}.${Math.floor(k / 254)}.${first}`, type: "PTR" as const, value: `${name(k)}.` })),
  });
  return [
    ptr("0.203.in-addr.arpa", "0.203.in-addr.arpa", 40, (k) => `mail${k}.example.com`),
    ptr("51.198.in-addr.arpa", "51.198.in-addr.arpa", 60, (k) => `o${k}.mta.esp.example`),
    ptr("0.192.in-addr.arpa", "0.192.in-addr.arpa", 300, (k) => `mx${k}.lists.example.edu`),
    { origin: "220.185.in-addr.arpa", records: [] },
    { origin: "esp.example", records: [{ name: "_spf.esp.example", type: "TXT", value: '"v=spf1 ip4:198.51.0.0/16 -all"' }] },
    ...DOMAINS.map((d) => ({ origin: d, records: [{ name: `mx1.${d}`, type: "A" as const, value: "203.0.0.250" }] })),
  ];
}

interface Run {
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  senders?: number;
  queries?: number;
}

/** One measured run in this (child) process; "command" runs the built command (dist/) as a user does. */
export async function childAdvice(mode: "advice" | "summary" | "command", db: string, plan: string, server: string): Promise<Run> {
  if (mode === "command") {
    const t0 = process.hrtime.bigint();
    const out = execFileSync(process.execPath, [path.join(__dirname, "..", "bin", "maildomain.js"), "reports", "--db", db, "--json", "--expect", plan, "--server", server], { maxBuffer: 256 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const doc = JSON.parse(out.toString());
    return { ms, cpuMs: 0, maxRssMb: 0, senders: doc.domains.reduce((n: number, d: { senders: unknown[] }) => n + d.senders.length, 0), queries: doc.advice.dns?.queries };
  }
  // Modules are loaded (and, under ts-node, compiled) before the clock starts, the ones the command loads on
  // demand too: the figure is the analysis (the built command's own start-up is timed apart, in "command" mode).
  const { runReports } = await import("../cli/reports/command");
  const { openStore } = await import("../cli/reports/store/store");
  const { buildSummary } = await import("../reports/summary");
  await Promise.all([import("../cli/reports/store/sqlite"), import("../cli/reports/advise/declared"), import("../cli/reports/advise/lookups"), import("../cli/check/expect")]);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("mailauth/lib/spf");
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let senders: number | undefined;
  let queries: number | undefined;
  if (mode === "advice") {
    const out: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: () => undefined, stdoutIsTTY: false, stderrIsTTY: false };
    const code = await runReports({ sources: [], db, json: true, domain: [], expect: plan, server }, io);
    const doc = JSON.parse(out.join(""));
    if (code !== 0) throw new Error(`advice failed (exit ${code}): ${JSON.stringify(doc.findings.slice(0, 3))}`);
    senders = doc.domains.reduce((n: number, d: { senders: unknown[] }) => n + d.senders.length, 0);
    queries = doc.advice.dns?.queries;
  } else {
    const store = await openStore(db, { durable: false });
    JSON.stringify(buildSummary(await store.summary({ domains: [] })));
    await store.close();
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, senders, queries };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number, d = 2) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const load = () => os.loadavg()[0].toFixed(2);

/** Time the advice on `db` (a store bench:reports filled); `runChild` runs this file's child mode in a fresh process. */
export async function benchAdvice(root: string, db: string, runs: number, runChild: (args: string[]) => Run): Promise<void> {
  const plan = path.join(root, "plan.json");
  fs.writeFileSync(plan, planJson());
  const dns = await startDnsServer(zones());
  try {
    console.log("");
    console.log(`advice: the stored reports with a declared plan (${DOMAINS.length} domains), reverse DNS and the declared SPF's lookups served by ${dns.kind === "knot" ? "Knot" : "the in-process DNS server"} on ${dns.address}; load average ${load()} (the wall figures grow with it: Knot, this run and any other job share the ${os.cpus().length} cores)`);
    const advice: Run[] = [];
    const summary: Run[] = [];
    for (let i = 0; i < runs; i++) {
      const a = runChild(["advice", db, plan, dns.address]);
      const s = runChild(["summary", db, plan, dns.address]);
      console.log(`  advice run ${i + 1}: ${fmt(a.ms / 1000)} s (${fmt(a.cpuMs / 1000)} s of CPU), ${a.senders} senders, ${a.queries} DNS questions, peak RSS ${fmt(a.maxRssMb, 0)} MB; part 1's summary alone: ${fmt(s.ms / 1000)} s (${fmt(s.cpuMs / 1000)} s of CPU); load average ${load()}`);
      advice.push(a);
      summary.push(s);
    }
    const ms = median(advice.map((r) => r.ms));
    const base = median(summary.map((r) => r.ms));
    const cpu = median(advice.map((r) => r.cpuMs));
    const baseCpu = median(summary.map((r) => r.cpuMs));
    console.log(`advice with a declared plan: ${fmt(ms / 1000)} s (median of ${runs}; ${fmt(cpu / 1000)} s of CPU), ${ms <= 2000 ? "met" : "NOT met"} (target ≤ 2 s); part 1's summary alone ${fmt(base / 1000)} s (${fmt(baseCpu / 1000)} s of CPU): the advisor adds ${fmt((ms - base) / 1000)} s (${fmt(ms / base, 1)}× the summary; CPU ${fmt(cpu / baseCpu, 1)}×); load average ${load()}`);
    if (fs.existsSync(path.join(__dirname, "..", "dist", "cli", "main.js"))) {
      const command = Array.from({ length: runs }, () => runChild(["command", db, plan, dns.address]));
      console.log(`the built command as a user runs it (node bin/maildomain.js reports --db … --json --expect … --server …, start-up and JSON included): ${fmt(median(command.map((r) => r.ms)) / 1000)} s (median of ${runs}: ${command.map((r) => fmt(r.ms / 1000)).join(", ")} s); load average ${load()}`);
    }
  } finally {
    await dns.stop();
  }
}

export function runAdviceChild(file: string, args: string[]): Run {
  const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", file, "--advice-child", ...args], {
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, "..", "tsconfig.json") },
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
  return JSON.parse(out.trim().split("\n").pop()!);
}

if (require.main === module && process.argv[2] === "--advice-child") {
  const [mode, db, plan, server] = process.argv.slice(3);
  childAdvice(mode as "advice" | "summary" | "command", db, plan, server)
    .then((r) => process.stdout.write(`${JSON.stringify(r)}\n`))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
