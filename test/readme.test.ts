/**
 * The README stays true: its example programs run under the mocks as documented, its stack config
 * example plans without errors, and its policy tables name every policy of the pack.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import * as YAML from "yaml";
import { allPolicies } from "../policies/all";
import { planMailDomain } from "../components/plan/plan";
import { runProgram } from "./support/pulumi";

const ROOT = path.join(__dirname, "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const blocks = (lang: string) => [...README.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);

describe("README example programs", () => {
  const programs = blocks("ts").filter((b) => b.includes("new MailDomain("));
  test("there is one for each DNS manager", () => {
    expect(programs.some((p) => p.includes("cloudflare:"))).toBe(true);
    expect(programs.some((p) => p.includes("route53:"))).toBe(true);
  });

  test.each(programs.map((p, i) => [i, p]))("program %i runs under the mocks and registers DNS records", async (_i, source) => {
    const js = ts.transpileModule(source.replace(/from "\.\/components"/g, `from ${JSON.stringify(path.join(ROOT, "components"))}`), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const run = await runProgram(() => {
      const module = { exports: {} as Record<string, unknown> };
      new Function("require", "module", "exports", js)(require, module, module.exports);
      return module.exports;
    });
    const records = run.engine.resources.filter((r) => r.type === "cloudflare:index/dnsRecord:DnsRecord" || r.type === "aws:route53/record:Record");
    expect(records.length).toBeGreaterThanOrEqual(3); // MX, the SPF/TXT set and DMARC at least
  });
});

test("the README's stack config example plans without errors", () => {
  const yamlBlocks = blocks("yaml").filter((b) => b.includes("maildomain:domains"));
  expect(yamlBlocks.length).toBeGreaterThan(0);
  for (const block of yamlBlocks) {
    for (const args of YAML.parse(block).config["maildomain:domains"]) expect(planMailDomain(args).errors).toEqual([]);
  }
});

test("the README's policy tables name every policy of the pack, with its default levels", () => {
  for (const policy of allPolicies) {
    expect(README).toMatch(new RegExp("^\\| `" + policy.name + "` \\|", "m"));
  }
  expect(fs.readFileSync(path.join(ROOT, "policies", "README.md"), "utf8")).toContain("`spf-no-pass-all`");
});

test("the layout tour names folders that exist", () => {
  const tour = README.slice(README.indexOf("## Layout"));
  for (const m of tour.matchAll(/^(\S+\/)\s/gm)) expect(fs.existsSync(path.join(ROOT, m[1]))).toBe(true);
});
