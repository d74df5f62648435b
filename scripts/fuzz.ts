/**
 * `npm run fuzz`: every property of test/properties with many cases (default 100,000; set
 * FUZZ_RUNS to change), printing the case count and the time per property. Exit 1 on the first
 * failing property, with fast-check's shrunk counterexample.
 */
import fc from "fast-check";
import { loadAllProperties } from "../test/properties/property";

async function main(): Promise<void> {
  const numRuns = Number(process.env.FUZZ_RUNS ?? 100_000);
  const properties = loadAllProperties();
  let total = 0;
  const started = process.hrtime.bigint();
  for (const { name, property } of properties) {
    const t0 = process.hrtime.bigint();
    try {
      await fc.assert(property, { numRuns });
    } catch (e) {
      console.error(`FAIL ${name}\n${(e as Error).message}`);
      process.exit(1);
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    total += numRuns;
    console.log(`ok   ${numRuns.toLocaleString("en-US").padStart(9)} cases  ${(ms / 1000).toFixed(2).padStart(7)} s  ${name}`);
  }
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`\n${properties.length} properties, ${total.toLocaleString("en-US")} cases in ${secs.toFixed(1)} s, no failure`);
}

void main();
