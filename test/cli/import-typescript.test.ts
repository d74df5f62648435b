/**
 * `maildomain import --format ts`: the snippet type-checks against the real component (golden
 * files in the test tree, checked by `npm run typecheck`), and evaluates to the same args as the
 * YAML output.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import ts from "typescript";
import { parse as parseYaml } from "yaml";
import { importZoneFile } from "../../cli/import/command";
import * as enums from "../../components/records/enums";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "test", "fixtures", "zones");
const FILES = ["bind/example.org.zone", "cpanel/example.com.db", "vestacp/example.net.db", "seed-article/abcdqwerty.example.zone"].map((f) => path.join(FIXTURES, f));

describe("--format ts", () => {
  test("prints new MailDomain(...) with enum members and the imports it needs", () => {
    const out = importZoneFile({ zonefile: FILES[0], format: "ts" }).output;
    expect(out).toMatch(/^\/\/ Imported by `maildomain import example\.org\.zone`/);
    expect(out).toContain('import { DmarcPolicy, MailDomain, MtaStsMode, SpfAll } from "./components";');
    expect(out).toContain('new MailDomain("example-org", {');
    expect(out).toContain('new MailDomain("bounce-example-org", {');
    expect(out).toContain("all: SpfAll.SoftFail");
    expect(out).toContain("policy: DmarcPolicy.Reject");
    expect(out).toContain("subdomainPolicy: DmarcPolicy.Quarantine");
    expect(out).toContain("mtaSts: { mode: MtaStsMode.Testing }");
    expect(out).not.toMatch(/"~all"|"reject"/);
  });

  /**
   * Golden files: the snippets of two fixtures are kept as .ts files in the test tree, importing
   * the real `components/`, so `npm run typecheck` (tsc, strict) checks them against the
   * component's real MailDomainArgs at no extra cost; this test keeps them equal to what the
   * importer prints now. After an intended change: UPDATE_GOLDEN=1 npx jest test/cli/import-typescript.
   */
  test.each([
    ["bind/example.org.zone", "route53"],
    ["seed-article/abcdqwerty.example.zone", "cloudflare"],
  ] as const)("%s (--dns %s): the snippet equals its golden file, which npm run typecheck checks", (name, dns) => {
    const golden = path.join(FIXTURES, name.replace(/\.(zone|db)$/, ".expected.ts"));
    const components = path.relative(path.dirname(golden), path.join(ROOT, "components"));
    const out = importZoneFile({ zonefile: path.join(FIXTURES, name), format: "ts", dns }).output.replace('from "./components"', `from ${JSON.stringify(components)}`);
    const expected = `// Golden file of test/cli/import-typescript.test.ts: type-checked by npm run typecheck.\n${out}`;
    if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(golden, expected);
    expect(fs.readFileSync(golden, "utf8")).toBe(expected);
  });

  test.each(FILES)("%s: the snippet evaluates to the same args as the YAML", (file) => {
    const out = importZoneFile({ zonefile: file, format: "ts" }).output;
    const yaml = parseYaml(importZoneFile({ zonefile: file }).output) as { config: Record<string, unknown> };
    const js = ts.transpileModule(out, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const created: { name: string; args: unknown }[] = [];
    class MailDomain {
      constructor(name: string, args: unknown) {
        created.push({ name, args });
      }
    }
    const module = { exports: {} };
    const require = (id: string) => {
      if (id !== "./components") throw new Error(`unexpected import ${id}`);
      return { MailDomain, ...enums };
    };
    vm.runInNewContext(js, { module, exports: module.exports, require });
    expect(created.map((c) => c.args)).toEqual(yaml.config["maildomain:domains"]);
    expect(created.map((c) => c.name)).toEqual((yaml.config["maildomain:domains"] as { domain: string }[]).map((d) => d.domain.replace(/\./g, "-")));
  });
});
