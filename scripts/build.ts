/**
 * `npm run build`: the package as users install it.
 *   dist/components, dist/cli, dist/policies, dist/testing, dist/reports   tsc: CommonJS, .d.ts, source maps
 *                                                             (sources inlined: the tarball ships no .ts)
 *   dist/policy-pack/     the policy pack bundled for `pulumi preview --policy-pack` and
 *                         `pulumi policy publish` (policies/build.ts)
 * `--if-stale` skips the build when dist/ was built from the sources as they are now (same files,
 * sizes and modification times): `npm start`, `npm test` and `prepare` use it, so that a `npm pack`
 * run by a test does not pull dist/ away from the other tests while they run it.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildPolicyPack } from "../policies/build";

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const STAMP = path.join(DIST, ".build-stamp");
const SOURCES = ["components", "cli", "policies", "testing", "reports", "package.json", "tsconfig.json", "tsconfig.build.json"];

/** What the build was made from: every source file's path, size and modification time, hashed (a deleted file changes it too). */
function sourceState(): string {
  const hash = createHash("sha256");
  const visit = (p: string) => {
    if (!fs.existsSync(p)) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p).sort()) if (e !== "node_modules" && e !== "dist") visit(path.join(p, e));
    } else hash.update(`${path.relative(ROOT, p)}\0${st.size}\0${st.mtimeMs}\n`);
  };
  for (const s of SOURCES) visit(path.join(ROOT, s));
  return hash.digest("hex");
}

async function main(): Promise<void> {
  const state = sourceState();
  if (process.argv.includes("--if-stale") && fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8").trim() === state) return;
  const started = Date.now();
  fs.rmSync(DIST, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(ROOT, "tsconfig.build.json")], { stdio: "inherit", cwd: ROOT });
  await buildPolicyPack(path.join(DIST, "policy-pack"));
  fs.writeFileSync(STAMP, `${state}\n`);
  console.log(`maildomain build: dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(`maildomain build failed: ${(e as Error).message}`);
  process.exit(1);
});
