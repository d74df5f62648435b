/**
 * The package as a user gets it. `npm pack` (which builds it), then a fresh Pulumi TypeScript
 * project outside the repository installs the tarball next to its own `@pulumi/pulumi` (the bottom
 * of the peer range, a different minor from the repo's), TypeScript 5 and the Pulumi template's
 * `tsconfig.json`, and `@pulumi/cloudflare` only (no `@pulumi/aws`: it is an optional peer). Then,
 * as the README's "Use it in your program" says: the program type-checks with the user's compiler
 * against the shipped declarations (no skipLibCheck), its jest test written with
 * `maildomain/testing` passes, the installed `maildomain plan` plans it, the shipped policy pack
 * loads from a folder holding only itself and its installed dependencies, and there is one
 * `@pulumi/pulumi` in the tree.
 *
 * Needs the npm registry (or a warm npm cache): it installs what a user would.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { allPolicies } from "../../policies/all";
import { analyzeResource, startPolicyRuntime } from "../support/policy-runtime";

jest.setTimeout(10 * 60 * 1000);

const ROOT = path.resolve(__dirname, "../..");
const FIXTURE = path.join(ROOT, "test/fixtures/user-project");
const rootPkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const repoVersion = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version as string;

/** The user's SDK: the lowest version the peer range admits, so the range is tested at its bottom. */
const USER_SDK = rootPkg.peerDependencies["@pulumi/pulumi"].replace(/^\^/, "");
/** The compiler of Pulumi's TypeScript template (5.x), not this repository's 6.x. */
const USER_TYPESCRIPT = "5.9.3";

const exec = promisify(execFile);
interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}
async function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? err.message };
  }
}
async function ok(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<Ran> {
  const r = await run(cmd, args, cwd, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}
const npm = (args: string[], cwd: string) => ok("npm", [...args, "--no-audit", "--no-fund"], cwd);

/** A fenced block of the README's "Use it in your program" section, by its first line (`// index.ts`). */
function readmeBlock(firstLine: string): string {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Use it in your program"), readme.indexOf("\n## ", readme.indexOf("## Use it in your program") + 3));
  const block = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.startsWith(`${firstLine}\n`));
  if (!block) throw new Error(`the README's "Use it in your program" section has no ts block starting with ${firstLine}`);
  return block;
}

let tmp: string;
let project: string;
let tarball: string;
let packedFiles: string[];
const bin = () => path.join(project, "node_modules/.bin/maildomain");

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-package-"));
  const packed = JSON.parse((await npm(["pack", "--json", "--pack-destination", tmp], ROOT)).stdout.replace(/^[^[]*/, ""));
  tarball = path.join(tmp, packed[0].filename);
  packedFiles = packed[0].files.map((f: { path: string }) => f.path);

  project = path.join(tmp, "user-mail");
  fs.mkdirSync(project);
  for (const f of ["tsconfig.json", "Pulumi.yaml", "jest.config.js"]) fs.copyFileSync(path.join(FIXTURE, f), path.join(project, f));
  fs.writeFileSync(path.join(project, "index.ts"), readmeBlock("// index.ts"));
  fs.writeFileSync(path.join(project, "index.test.ts"), readmeBlock("// index.test.ts"));
  fs.writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify(
      {
        name: "user-mail",
        private: true,
        main: "index.ts",
        dependencies: { "@pulumi/pulumi": USER_SDK, "@pulumi/cloudflare": repoVersion("@pulumi/cloudflare"), maildomain: `file:${tarball}` },
        devDependencies: {
          typescript: USER_TYPESCRIPT,
          "@types/node": repoVersion("@types/node"),
          jest: repoVersion("jest"),
          "ts-jest": repoVersion("ts-jest"),
          "@types/jest": repoVersion("@types/jest"),
        },
      },
      null,
      2,
    ),
  );
  await npm(["install"], project);
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the tarball", () => {
  test("holds what a user runs: the compiled library, command, policies, testing helper and policy pack; no sources, tests or configs", () => {
    expect(packedFiles).toEqual(expect.arrayContaining(["package.json", "README.md", "bin/maildomain.js", "dist/components/index.js", "dist/components/index.d.ts", "dist/cli/main.js", "dist/testing/index.d.ts", "dist/policies/all.js", "dist/policy-pack/PulumiPolicy.yaml", "dist/policy-pack/index.js"]));
    const unexpected = packedFiles.filter(
      (f) => !(f === "package.json" || f === "README.md" || f === "bin/maildomain.js" || /^dist\/(components|cli|policies|testing|reports)\/.+\.(js|d\.ts|js\.map)$/.test(f) || /^dist\/policy-pack\/[^/]+$/.test(f) || /^docs\/[^/]+\.(md|png)$/.test(f)),
    );
    expect(unexpected).toEqual([]);
    // The README links to the reference in docs/: the links work in node_modules too.
    const linked = [...fs.readFileSync(path.join(ROOT, "README.md"), "utf8").matchAll(/\]\((docs\/[^)#\s]+)/g)].map((m) => m[1]);
    expect(linked.length).toBeGreaterThan(0);
    expect([...new Set(linked)].filter((f) => !packedFiles.includes(f))).toEqual([]);
    expect(packedFiles.filter((f) => /\.ts$/.test(f) && !f.endsWith(".d.ts"))).toEqual([]);
    expect(packedFiles.some((f) => /(^|\/)test\/|\.test\.|^\.ci\/|tsconfig|jest\.config|eslint/.test(f))).toBe(false);
  });

  test("its package.json points at the component library, shares the SDK as a peer and keeps the compilers out of the dependencies", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(project, "node_modules/maildomain/package.json"), "utf8"));
    expect(pkg.private).toBeUndefined();
    expect(pkg.main).toBe("dist/components/index.js");
    expect(Object.keys(pkg.exports)).toEqual([".", "./policies", "./testing", "./package.json"]);
    expect(Object.keys(pkg.peerDependencies)).toEqual(["@pulumi/pulumi", "@pulumi/cloudflare", "@pulumi/aws"]);
    for (const tool of ["typescript", "ts-node", "jest", "eslint", "esbuild", "@pulumi/pulumi"]) expect(pkg.dependencies[tool]).toBeUndefined();
    // The user's compiler is still the user's.
    expect(JSON.parse(fs.readFileSync(path.join(project, "node_modules/typescript/package.json"), "utf8")).version).toBe(USER_TYPESCRIPT);
    expect(fs.existsSync(path.join(project, "node_modules/@pulumi/aws"))).toBe(false);
  });
});

describe("in a user's Pulumi TypeScript project", () => {
  test("there is one @pulumi/pulumi in the tree: the user's", async () => {
    const tree = JSON.parse((await ok("npm", ["ls", "@pulumi/pulumi", "--all", "--json"], project)).stdout);
    const versions = new Set<string>();
    const walk = (deps: Record<string, { version: string; dependencies?: Record<string, unknown> }> | undefined) => {
      for (const [name, d] of Object.entries(deps ?? {})) {
        if (name === "@pulumi/pulumi") versions.add(d.version);
        walk(d.dependencies as never);
      }
    };
    walk(tree.dependencies);
    expect([...versions]).toEqual([USER_SDK]);
    expect(fs.existsSync(path.join(project, "node_modules/maildomain/node_modules/@pulumi/pulumi"))).toBe(false);
  });

  test("the program and its test type-check with the user's TypeScript 5 and the template's tsconfig.json (no skipLibCheck)", async () => {
    const tsc = path.join(project, "node_modules/typescript/bin/tsc");
    await ok(process.execPath, [tsc, "--noEmit", "-p", "."], project);
    // The test file too (the template lists only index.ts): both import paths resolve to declarations.
    await ok(process.execPath, [tsc, "--noEmit", "--strict", "--module", "commonjs", "--moduleResolution", "node", "--target", "es2020", "--types", "node,jest", "index.test.ts"], project);
  });

  test("its jest unit test, written with maildomain/testing as the README shows, passes", async () => {
    const r = await ok(process.execPath, [path.join(project, "node_modules/jest/bin/jest.js"), "--ci"], project);
    expect(r.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
  });

  test("the installed maildomain plan compiles the program with the user's TypeScript and plans it with the policy pack", async () => {
    const version = await ok(bin(), ["--version"], project);
    expect(version.stdout.trim()).toBe(rootPkg.version);
    const r = await run(bin(), ["plan", "--cwd", project, "--stack", "prod", "--json"], tmp);
    // The component's notes only (serve the MTA-STS policy file): no warning, no error, no stack trace.
    expect(r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("info: "))).toEqual([]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const names = doc.resources.filter((x: { type: string }) => x.type === "cloudflare:index/dnsRecord:DnsRecord").map((x: { inputs: { name: string } }) => x.inputs.name);
    expect(names).toEqual(expect.arrayContaining(["example.com", "_dmarc.example.com", "s2026._domainkey.example.com"]));
    expect(doc.violations.filter((v: { enforcementLevel: string }) => v.enforcementLevel === "mandatory")).toEqual([]);
  });

  test("a domain on Route 53 without @pulumi/aws installed: plan says which package to install, creates nothing, prints no stack trace", async () => {
    const dir = path.join(project, "route53");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: r53\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "index.ts"), `import { MailDomain } from "maildomain";\nnew MailDomain("example-net", { domain: "example.net", route53: {}, mx: [{ host: "mx.example.net", priority: 10 }] });\n`);
    const r = await run(bin(), ["plan", "--cwd", dir], project);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MailDomain "example-net" publishes records on Route 53, which needs the package @pulumi\/aws, and it is not installed; no DNS record was created\. Install it next to maildomain: npm install @pulumi\/aws@\^7\.0\.0/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("the shipped policy pack loads from a folder holding only the pack and its installed dependencies", async () => {
    const packDir = path.join(tmp, "mail-policies");
    fs.cpSync(path.join(project, "node_modules/maildomain/dist/policy-pack"), packDir, { recursive: true });
    // The pack's own dependencies (@pulumi/policy, @pulumi/pulumi), with the SDK pinned to one that runs on this Node.
    await npm(["install", `@pulumi/pulumi@${USER_SDK}`], packDir);
    expect(fs.readdirSync(packDir).sort()).toEqual(["PulumiPolicy.yaml", "README.md", "index.js", "node_modules", "package-lock.json", "package.json", "policies.js", "policy-config.example.json"]);
    const runtime = await startPolicyRuntime(packDir, { sdkDir: path.join(packDir, "node_modules/@pulumi/pulumi") });
    try {
      const info = await runtime.call<analyzerPb.AnalyzerInfo>("getAnalyzerInfo", new Empty());
      expect(info.getName()).toBe("maildomain");
      expect(info.getPoliciesList().map((p) => p.getName())).toEqual(allPolicies.map((p) => p.name));
      const spf = await analyzeResource(runtime, "cloudflare:index/dnsRecord:DnsRecord", "spf", { zoneId: "z", name: "example.com", type: "TXT", content: '"v=spf1 +all"', ttl: 1 });
      expect(spf.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getEnforcementlevel()])).toEqual([["spf-no-pass-all", analyzerPb.EnforcementLevel.MANDATORY]]);
    } finally {
      runtime.stop();
    }
  });
});
