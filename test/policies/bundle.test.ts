/**
 * The publishable pack: `npm --prefix policies run build` bundles the policies and the core into
 * one folder that references nothing outside itself, whose policy arrays load where there is no
 * `components/`, and which the SDK's own policy runtime (`@pulumi/pulumi/cmd/run-policy-pack`, what
 * `pulumi preview --policy-pack` starts) serves over gRPC.
 */
import { execFile } from "node:child_process";
import { builtinModules } from "node:module";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { buildPolicyPack, EXTERNAL, PackBuild } from "../../policies/build";
import { allPolicies } from "../../policies/all";
import { analyzeResource, startPolicyRuntime } from "../support/policy-runtime";

const ROOT = resolve(__dirname, "../..");
const NODE_MODULES = join(ROOT, "node_modules");

let dir: string;
let pack: PackBuild;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "maildomain-pack-"));
  pack = await buildPolicyPack(join(dir, "pack"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("the bundle", () => {
  test("holds the pack's files; its package.json depends on the Pulumi SDKs only", () => {
    expect(readdirSync(pack.outDir).sort()).toEqual(["PulumiPolicy.yaml", "README.md", "index.js", "package.json", "policies.js", "policy-config.example.json"]);
    const pkg = JSON.parse(readFileSync(join(pack.outDir, "package.json"), "utf8"));
    const source = JSON.parse(readFileSync(join(ROOT, "policies/package.json"), "utf8"));
    expect(pkg).toMatchObject({ name: "maildomain-policies", version: source.version, main: "index.js" });
    expect(pkg.dependencies).toEqual({ "@pulumi/policy": source.dependencies["@pulumi/policy"], "@pulumi/pulumi": source.dependencies["@pulumi/pulumi"] });
    const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    // The SDK is the package's peer dependency: the pack accepts the same range.
    expect(pkg.dependencies["@pulumi/pulumi"]).toBe(root.peerDependencies["@pulumi/pulumi"]);
    expect(pkg.dependencies["@pulumi/policy"]).toBe(root.dependencies["@pulumi/policy"]);
    expect(readFileSync(join(pack.outDir, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
  });

  test("the core went in: its inputs come from ../components (outside the folder, which is fine)", () => {
    const inputs = pack.metafiles.flatMap((m) => Object.keys(m.inputs));
    expect(inputs.some((i) => i.startsWith("../components/records/spf/"))).toBe(true);
    expect(inputs.some((i) => i.startsWith("../components/providers/formats"))).toBe(true);
    expect(inputs.some((i) => /node_modules\/tldts/.test(i))).toBe(true);
  });

  test("the output requires only Node built-ins, the external Pulumi SDKs and its own sibling file", () => {
    const allowed = (spec: string) =>
      spec === "./policies.js" || builtinModules.includes(spec.replace(/^node:/, "")) || EXTERNAL.some((e) => spec === e || spec.startsWith(`${e}/`));
    for (const file of ["index.js", "policies.js"]) {
      const text = readFileSync(join(pack.outDir, file), "utf8");
      const specs = [...text.matchAll(/\brequire\(\s*(["'`])([^"'`]*)\1\s*\)/g)].map((m) => m[2]);
      expect(specs.filter((s) => !allowed(s))).toEqual([]);
      // No computed require or dynamic import that could reach outside.
      expect(text.match(/\brequire\(\s*[^"'`\s)]/g) ?? []).toEqual([]);
      expect(text).not.toMatch(/\bimport\(/);
    }
    const index = readFileSync(join(pack.outDir, "index.js"), "utf8");
    expect(index).toMatch(/require\("@pulumi\/policy"\)/);
    expect(index).toMatch(/require\("\.\/policies\.js"\)/);
  });
});

const execFileAsync = promisify(execFile);

describe("loaded from a folder without components/", () => {
  test("the policy arrays load in a child process and the policies run (core and libraries bundled)", async () => {
    expect(existsSync(join(dir, "components"))).toBe(false);
    const script = `
      const p = require("./policies.js");
      const out = [];
      const spf = p.resourcePolicies.find((x) => x.name === "spf-no-pass-all");
      spf.validateResource({
        type: "cloudflare:index/dnsRecord:DnsRecord", name: "r", urn: "urn:pulumi:prod::p::cloudflare:index/dnsRecord:DnsRecord::r",
        props: { name: "example.com", type: "TXT", content: "v=spf1 +all" }, opts: {}, stackTags: new Map(),
        getConfig: () => ({}), notApplicable: (r) => { throw new Error(r); }, isType: () => false, asType: () => undefined,
      }, (m) => out.push(m));
      const required = p.stackPolicies.find((x) => x.name === "dmarc-required-in-production");
      const mx = { type: "aws:route53/record:Record", name: "mx", urn: "urn:pulumi:prod::p::aws:route53/record:Record::mx",
        props: { zoneId: "Z", name: "shop.example.co.uk", type: "MX", records: ["10 mx.example.co.uk."] }, dependencies: [], propertyDependencies: {} };
      required.validateStack({ resources: [mx], stackTags: new Map(), getConfig: () => ({}), notApplicable: (r) => { throw new Error(r); } }, (m) => out.push(m));
      console.log(JSON.stringify({ names: p.allPolicies.map((x) => x.name), out }));
    `;
    const { stdout } = await execFileAsync(process.execPath, ["-e", script], { cwd: pack.outDir, env: { PATH: process.env.PATH ?? "" } });
    const result = JSON.parse(stdout);
    expect(result.names).toEqual(allPolicies.map((p) => p.name));
    expect(result.out[0]).toMatch(/Cloudflare TXT example\.com: "\+all" authorizes every host/);
    // The Public Suffix List (tldts) is in the bundle: the organizational domain of shop.example.co.uk is example.co.uk.
    expect(result.out[1]).toMatch(/^_dmarc\.shop\.example\.co\.uk \(nor at _dmarc\.example\.co\.uk, the organizational domain\): no TXT record starting with v=DMARC1/);
  });

  // The runtime is a child process that loads the SDK and the pack: seconds on a busy machine.
  test("the SDK's policy runtime serves the pack: analyzer info, a mandatory violation, a skip for an unknown value, a stack policy", async () => {
    // The externals resolve from the repository's node_modules, as they would from the pack's own after npm install.
    const runtime = await startPolicyRuntime(pack.outDir, { sdkDir: join(NODE_MODULES, "@pulumi/pulumi"), nodePath: NODE_MODULES });
    try {
      const info = await runtime.call<analyzerPb.AnalyzerInfo>("getAnalyzerInfo", new Empty());
      expect(info.getName()).toBe("maildomain");
      expect(info.getVersion()).toBe("0.1.0");
      const levels = Object.fromEntries(info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]));
      expect(Object.keys(levels)).toEqual(allPolicies.map((p) => p.name));
      expect(levels["spf-no-pass-all"]).toBe(analyzerPb.EnforcementLevel.MANDATORY);
      expect(levels["spf-no-neutral-all-non-production"]).toBe(analyzerPb.EnforcementLevel.ADVISORY);
      const lookup = info.getPoliciesList().find((p) => p.getName() === "spf-lookup-limit");
      expect(lookup?.getConfigschema()?.getProperties()?.toJavaScript()).toMatchObject({ maxLookups: { type: "integer", default: 10 } });

      const analyze = (content: string) => analyzeResource(runtime, "cloudflare:index/dnsRecord:DnsRecord", "spf", { zoneId: "z", name: "example.com", type: "TXT", content, ttl: 1 });
      const violated = (await analyze("v=spf1 +all")).getDiagnosticsList();
      expect(violated.map((d) => [d.getPolicyname(), d.getEnforcementlevel()])).toEqual([["spf-no-pass-all", analyzerPb.EnforcementLevel.MANDATORY]]);
      expect(violated[0].getMessage()).toMatch(/"\+all" authorizes every host .* \[RFC 7208 §5\.1\]/);

      // The engine's unknown sentinel: the server turns the proxy's UnknownValueError into an advisory note.
      const unknown = (await analyze("04da6b54-80e4-46f7-96ec-b56ff0331ba9")).getDiagnosticsList();
      expect(unknown.length).toBeGreaterThan(0);
      for (const d of unknown) {
        expect(d.getEnforcementlevel()).toBe(analyzerPb.EnforcementLevel.ADVISORY);
        expect(d.getMessage()).toMatch(/^can't run policy '[a-z0-9-]+' from policy pack 'maildomain@v0\.1\.0' during preview: string value at \.content can't be known during preview/);
      }

      // A stack policy through the server: two SPF records on one name, in two resources.
      const stackReq = new analyzerPb.AnalyzeStackRequest();
      stackReq.setResourcesList(
        ["a", "b"].map((name, i) => {
          const r = new analyzerPb.AnalyzerResource();
          r.setType("cloudflare:index/dnsRecord:DnsRecord");
          r.setName(name);
          r.setUrn(`urn:pulumi:dev::mail::cloudflare:index/dnsRecord:DnsRecord::${name}`);
          r.setProperties(Struct.fromJavaScript({ zoneId: "z", name: i ? "@" : "example.com", type: "TXT", content: `"v=spf1 ${i ? "a" : "mx"} -all"`, ttl: 1 }));
          r.setOptions(new analyzerPb.AnalyzerResourceOptions());
          return r;
        }),
      );
      const stack = (await runtime.call<analyzerPb.AnalyzeResponse>("analyzeStack", stackReq)).getDiagnosticsList();
      // …and, on this development stack, the advisories of what production requires (DMARC, DKIM).
      expect(stack.map((d) => [d.getPolicyname(), d.getEnforcementlevel(), d.getUrn()])).toEqual([
        ["spf-single-record", analyzerPb.EnforcementLevel.MANDATORY, "urn:pulumi:dev::mail::cloudflare:index/dnsRecord:DnsRecord::b"],
        ["dmarc-required-non-production", analyzerPb.EnforcementLevel.ADVISORY, "urn:pulumi:dev::mail::cloudflare:index/dnsRecord:DnsRecord::a"],
        ["dkim-required-non-production", analyzerPb.EnforcementLevel.ADVISORY, "urn:pulumi:dev::mail::cloudflare:index/dnsRecord:DnsRecord::a"],
      ]);
    } finally {
      runtime.stop();
    }
  }, 30000);
});
