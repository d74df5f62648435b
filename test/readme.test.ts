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
import { section } from "./support/markdown";
import { MAIL_DOMAIN_ARG_FIELDS } from "../components/args";
import { MAX_EXTRA_TXT_OCTETS } from "../components/plan/args";
import * as schema from "../components/records/args-schema";
import { MAX_PUBLIC_KEY_OCTETS } from "../components/records/dkim";
import { MAX_MESSAGE_OCTETS, MAX_NAME_OCTETS } from "../components/records/wire";

const ROOT = path.join(__dirname, "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const ARGUMENTS = fs.readFileSync(path.join(ROOT, "docs", "arguments.md"), "utf8");
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

test("docs/policies.md's tables name every policy of the pack, and only those", () => {
  const POLICIES = fs.readFileSync(path.join(ROOT, "docs", "policies.md"), "utf8");
  const tables = section(POLICIES, "## Resource policies (each DNS record)") + section(POLICIES, "## Stack policies (across resources and DNS managers)");
  for (const policy of allPolicies) {
    expect(tables).toMatch(new RegExp("^\\| `" + policy.name + "` \\|", "m"));
  }
  const rows = [...tables.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
  expect(rows.sort()).toEqual(allPolicies.map((p) => p.name).sort());
  expect(fs.readFileSync(path.join(ROOT, "policies", "README.md"), "utf8")).toContain("`spf-no-pass-all`");
});

test("the layout tour names folders that exist", () => {
  const tour = section(README, "## Layout");
  for (const m of tour.matchAll(/^(\S+\/)\s/gm)) expect(fs.existsSync(path.join(ROOT, m[1]))).toBe(true);
});

test("the layout tour names every file of docs/, and only files that exist", () => {
  const tour = section(README, "## Layout");
  const entry = tour.slice(tour.indexOf("\ndocs/ ") + 1).split(/\n(?=\S)/)[0];
  const named = [...entry.matchAll(/\b([\w-]+\.(?:md|png))\b/g)].map((m) => m[1]).sort();
  expect(named).toEqual(fs.readdirSync(path.join(ROOT, "docs")).sort());
});

describe("docs/arguments.md's argument caps and codes", () => {
  const caps = section(ARGUMENTS, "## What the arguments hold", "## DKIM keys and rotation");
  const capOf = (what: string) => {
    const row = caps.split("\n").find((l) => l.startsWith(`| ${what} |`));
    expect(row).toBeDefined();
    return Number(row!.split("|")[2].trim().split(" ")[0].replace(/,/g, ""));
  };

  test("each cap is the one the schemas declare", () => {
    const list = (s: unknown) => (s as { maxItems: number }).maxItems;
    const fields = (s: unknown) => (s as { fields: Record<string, unknown> }).fields;
    expect(capOf("any string argument")).toBe(schema.DEFAULT_MAX_OCTETS);
    expect(capOf("`dkim[].publicKey`, a preset's `dkimPublicKey`")).toBe(MAX_PUBLIC_KEY_OCTETS);
    expect(capOf("an `extraTxt` value")).toBe(MAX_EXTRA_TXT_OCTETS);
    expect(capOf("any list (`extraTxt`, `dkim`, `spf.ip4`, `spf.include`, …)")).toBe(schema.DEFAULT_MAX_ITEMS);
    expect([list(MAIL_DOMAIN_ARG_FIELDS.extraTxt), list(MAIL_DOMAIN_ARG_FIELDS.dkim), list(fields(MAIL_DOMAIN_ARG_FIELDS.spf).ip4)]).toEqual([schema.DEFAULT_MAX_ITEMS, schema.DEFAULT_MAX_ITEMS, schema.DEFAULT_MAX_ITEMS]);
    expect(capOf("`mx`, `mtaSts.mx`")).toBe(list(MAIL_DOMAIN_ARG_FIELDS.mx));
    expect(list(fields(MAIL_DOMAIN_ARG_FIELDS.mtaSts).mx)).toBe(list(MAIL_DOMAIN_ARG_FIELDS.mx));
    expect(capOf("`dmarc.rua`, `dmarc.ruf`, `tlsRpt.rua`")).toBe(list(fields(MAIL_DOMAIN_ARG_FIELDS.dmarc).rua));
    expect([list(fields(MAIL_DOMAIN_ARG_FIELDS.dmarc).ruf), list(fields(MAIL_DOMAIN_ARG_FIELDS.tlsRpt).rua)]).toEqual([10, 10]);
    expect(capOf("`dmarc.failureOptions`")).toBe(list(fields(MAIL_DOMAIN_ARG_FIELDS.dmarc).failureOptions));
    expect(capOf("`amazonSes.dkimTokens`, `protonMail.dkimTargets`")).toBe(list(fields(MAIL_DOMAIN_ARG_FIELDS.amazonSes).dkimTokens));
    expect(capOf("a record's owner name (`_dmarc.` + the domain, `<selector>._domainkey.` + the domain, …)")).toBe(MAX_NAME_OCTETS);
    expect(capOf("a record set (all values of one name and type)")).toBe(MAX_MESSAGE_OCTETS);
  });

  test("every code in the argument error table is one the code emits", () => {
    expect(caps).toContain("The codes of these errors");
    const table = caps.slice(caps.indexOf("The codes of these errors"));
    const codes = [...table.matchAll(/`((?:args|plan|stack)\.[a-z-]+)`/g)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThanOrEqual(10);
    const sources = ["components/records/args-schema.ts", "components/plan/plan.ts", "components/stack-config.ts"].map((f) => fs.readFileSync(path.join(ROOT, f), "utf8")).join("\n");
    for (const code of codes) expect([code, sources.includes(`"${code}"`)]).toEqual([code, true]);
  });
});
