/**
 * `npm run bench:cli [-- --runs 10]`: how long the installed `maildomain` command takes to do small
 * things, as a user runs it (a fresh process each time, `node bin/maildomain.js`, compiled dist/).
 *
 *   --version            the command's start-up alone                         target ≤ 0.3 s
 *   check of one domain  MX, SPF, DKIM (19 common selectors), DMARC, … asked
 *                        of Knot on loopback                                   target ≤ 0.5 s
 *   import               the cPanel fixture (a seed-style zone export)         target ≤ 0.6 s
 *   plan                 the repository's example stack (npm start), which compiles the
 *                        stack program and the component sources with ts-node
 *
 * Baselines measured in the same run: `node -e 0` (Node's own start-up, the floor), and each
 * command the way bin/maildomain.js ran before the package was compiled (ts-node compiling
 * cli/ at every start), to show what the build saves. Median, min and max of `--runs` (default
 * 10) runs each; the variants alternate so that a busy machine slows all of them alike.
 */
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { startDnsServer, type Zone } from "../test/support/dns";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin/maildomain.js");
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf("--runs") + 1] ?? 10) || 10;

/** The old entry point: ts-node compiling the sources at every start. */
const TS_NODE_ENTRY = `require("ts-node").register({ transpileOnly: true, project: ${JSON.stringify(path.join(ROOT, "tsconfig.json"))} });
require(${JSON.stringify(path.join(ROOT, "cli/main"))}).main(process.argv.slice(2)).then((c) => { process.exitCode = c; });`;
const TS_NODE_BIN = path.join(ROOT, "dist/bench/ts-node-bin.js");

interface Case {
  label: string;
  target?: number;
  argv: string[];
  /** Exit codes that mean the command did its job (check exits 1 when a finding is an error). */
  okCodes: number[];
}

function timeOnce(argv: string[], okCodes: number[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status === null || !okCodes.includes(r.status)) throw new Error(`${argv.join(" ")} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  return s;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
};

function zones(): Zone[] {
  const p = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" }).toString("base64");
  return [
    {
      origin: "example.com",
      records: [
        { name: "example.com", type: "MX", value: "10 mail.example.com." },
        { name: "mail.example.com", type: "A", value: "127.0.0.10" },
        { name: "example.com", type: "TXT", value: '"v=spf1 mx -all"' },
        { name: "default._domainkey.example.com", type: "TXT", value: `"v=DKIM1; k=rsa; p=${p.slice(0, 200)}" "${p.slice(200)}"` },
        { name: "_dmarc.example.com", type: "TXT", value: '"v=DMARC1; p=reject; rua=mailto:dmarc@example.com"' },
      ],
    },
  ];
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, "dist/cli/main.js"))) throw new Error("dist/ is not built: run npm run build first");
  fs.mkdirSync(path.dirname(TS_NODE_BIN), { recursive: true });
  fs.writeFileSync(TS_NODE_BIN, TS_NODE_ENTRY);
  const dns = await startDnsServer(zones());
  try {
    const cpanel = path.join(ROOT, "test/fixtures/zones/cpanel/example.com.db");
    const cases: Case[] = [
      { label: "--version", target: 0.3, argv: ["--version"], okCodes: [0] },
      { label: "check of one domain (Knot)", target: 0.5, argv: ["check", "example.com", "--server", dns.address], okCodes: [0, 1] },
      { label: "import of the cPanel fixture", target: 0.6, argv: ["import", cpanel], okCodes: [0, 1] },
      { label: "plan of the example stack", argv: ["plan"], okCodes: [0] },
    ];
    const floor: number[] = [];
    const built = new Map<string, number[]>(cases.map((c) => [c.label, []]));
    const tsNode = new Map<string, number[]>(cases.map((c) => [c.label, []]));
    for (let i = 0; i < RUNS; i++) {
      floor.push(timeOnce(["-e", "0"], [0]));
      for (const c of cases) {
        const order = i % 2 ? [false, true] : [true, false];
        for (const compiled of order) {
          const argv = [compiled ? BIN : TS_NODE_BIN, ...c.argv];
          (compiled ? built : tsNode).get(c.label)?.push(timeOnce(argv, c.okCodes));
        }
      }
      process.stderr.write(`run ${i + 1}/${RUNS} done\n`);
    }
    const f = stats(floor);
    console.log(`\nmaildomain command, ${RUNS} runs each (node ${process.version}, DNS: ${dns.kind} on ${dns.address}); seconds`);
    console.log(`${"".padEnd(30)} ${"median".padStart(7)} ${"min".padStart(7)} ${"max".padStart(7)} ${"target".padStart(7)}  ${"ts-node (before)".padStart(16)} ${"saved".padStart(6)}`);
    console.log(`${"node -e 0 (Node start-up)".padEnd(30)} ${f.median.toFixed(3).padStart(7)} ${f.min.toFixed(3).padStart(7)} ${f.max.toFixed(3).padStart(7)}`);
    for (const c of cases) {
      const b = stats(built.get(c.label) ?? []);
      const t = stats(tsNode.get(c.label) ?? []);
      const verdict = c.target === undefined ? "" : b.median <= c.target ? " ok" : " MISSED";
      console.log(
        `${c.label.padEnd(30)} ${b.median.toFixed(3).padStart(7)} ${b.min.toFixed(3).padStart(7)} ${b.max.toFixed(3).padStart(7)} ${(c.target === undefined ? "" : c.target.toFixed(1)).padStart(7)}${verdict.padEnd(7)} ${t.median.toFixed(3).padStart(9)} ${(t.median / b.median).toFixed(1).padStart(5)}×`,
      );
    }
  } finally {
    await dns.stop();
  }
}

main().catch((e: unknown) => {
  console.error(`bench:cli failed: ${(e as Error).message}`);
  process.exit(1);
});
