/**
 * `npm run bench:import`: how `maildomain import` scales with the number of mail records in a
 * zone. For each record kind it imports zones of 10,000 and 20,000 records (median of RUNS runs)
 * and prints the time ratio, which is about 2 for linear work and about 4 for quadratic work,
 * then imports 100,000 records once. Zones are made here, in a temporary folder.
 *
 * BENCH_KINDS=dkim,mx,txt,dmarc to choose kinds; BENCH_BIG=0 to skip the 100,000 run;
 * BENCH_RUNS (default 3).
 */
import { generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { importZoneFile } from "../cli/import/command";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const KINDS = (process.env.BENCH_KINDS ?? "dkim,mx,txt,dmarc").split(",");
const BIG = process.env.BENCH_BIG !== "0";

/** A few real 2048-bit keys, reused across selectors: the importer decodes each key. */
const KEYS = Array.from({ length: 4 }, () => generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" }).toString("base64"));

function zone(kind: string, n: number): string {
  const lines = ["$ORIGIN example.com.", "$TTL 3600", "@ SOA ns1 hostmaster 1 7200 3600 1209600 300", "@ NS ns1", '@ TXT "v=spf1 mx -all"', "@ MX 10 mx1"];
  for (let i = 0; i < n; i++) {
    if (kind === "dkim") {
      const p = KEYS[i % KEYS.length];
      lines.push(`s${i}._domainkey TXT ( "v=DKIM1; k=rsa; p=${p.slice(0, 200)}" "${p.slice(200)}" )`);
    } else if (kind === "mx") lines.push(`@ MX ${10 + (i % 60000)} mx${i}.example.net.`);
    else if (kind === "txt") lines.push(`@ TXT "verification-token-${i}"`);
    else if (kind === "dmarc") {
      // One mail domain per record: MX, SPF and DMARC of d<i>.example.com.
      lines.push(`d${i} MX 10 mx1`, `d${i} TXT "v=spf1 mx -all"`, `_dmarc.d${i} TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"`);
    } else throw new Error(`unknown kind ${kind}`);
  }
  return lines.join("\n") + "\n";
}

function timeImport(file: string): number {
  const t0 = process.hrtime.bigint();
  const run = importZoneFile({ zonefile: file });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!run.output.includes("maildomain:domains")) throw new Error("nothing imported");
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-bench-import-"));
  console.log(`maildomain import: median of ${RUNS} runs, Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}`);
  try {
    for (const kind of KINDS) {
      const at = (n: number) => {
        const file = path.join(dir, `${kind}-${n}.zone`);
        fs.writeFileSync(file, zone(kind, n));
        return file;
      };
      const small = at(10_000);
      const large = at(20_000);
      const t10 = median(Array.from({ length: RUNS }, () => timeImport(small)));
      const t20 = median(Array.from({ length: RUNS }, () => timeImport(large)));
      let line = `${kind.padEnd(6)} 10,000: ${(t10 / 1000).toFixed(2)} s   20,000: ${(t20 / 1000).toFixed(2)} s   ratio ${(t20 / t10).toFixed(2)} (2 = linear, 4 = quadratic)`;
      if (BIG) {
        const big = at(100_000);
        line += `   100,000: ${(timeImport(big) / 1000).toFixed(2)} s`;
      }
      console.log(line);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
