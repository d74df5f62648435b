/**
 * What `maildomain import` prints is data, never code (issue 10, item 2): every byte 0–255,
 * written as a `\DDD` escape in the zone file, is fed through `$ORIGIN`, an owner name, a DKIM
 * selector, a DMARC address and a TXT value into both generators. The TypeScript output must
 * type-check against the real component and evaluate, in an empty context, to nothing but
 * `new MailDomain(…)` calls whose args are exactly the imported ones; the YAML must be one
 * `config:` document that reads back to the same args, under YAML 1.2 and 1.1, and its header
 * must stay comments.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import ts from "typescript";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { importZoneFile } from "../../cli/import/command";
import { renderTypeScript, renderYaml, withDnsManager } from "../../cli/import/render";
import { MailDomainArgs } from "../../components/args";
import * as enums from "../../components/records/enums";

const ROOT = path.join(__dirname, "..", "..");
const BYTES = Array.from({ length: 256 }, (_, b) => b);
const esc = (b: number) => `\\${String(b).padStart(3, "0")}`;

/** Line breaks in any reader: LF, CR, and NEL, U+2028, U+2029 for YAML 1.1, Go's YAML and TypeScript. */
const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/;
/** Nothing a terminal or a reader would act on may appear raw in the output. */
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

function zoneFor(b: number): string {
  const e = esc(b);
  return [
    `$ORIGIN ex${e}ample.com.`,
    "$TTL 60",
    "@ MX 10 mx1",
    '@ TXT "v=spf1 mx -all"',
    `@ TXT "token${e}value"`,
    `ho${e}st 60 MX 10 mx1`,
    `ho${e}st 60 TXT "v=spf1 include:in${e}clude.example -all"`,
    `s${e}1._domainkey 60 TXT "v=DKIM1; p="`,
    `_dmarc 60 TXT "v=DMARC1; p=reject; rua=mailto:d${e}@example.com"`,
    "",
  ].join("\n");
}

interface Generated {
  byte: number;
  ts: string;
  yaml: string;
  entries: MailDomainArgs[];
}

let dir: string;
const generated: Generated[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-inert-"));
  for (const b of BYTES) {
    // Named after the domain, so that the origin is known when the escaped $ORIGIN is refused (\046 is a dot).
    const file = path.join(dir, `b${b}.example.com.db`);
    fs.writeFileSync(file, zoneFor(b));
    const yamlRun = importZoneFile({ zonefile: file });
    const tsRun = importZoneFile({ zonefile: file, format: "ts" });
    const apex = yamlRun.result?.apex as string;
    generated.push({ byte: b, yaml: yamlRun.output, ts: tsRun.output, entries: (yamlRun.result?.domains ?? []).map((d) => withDnsManager(d.args, "cloudflare", apex)) });
  }
  // The renderers directly, with every character a zone could smuggle in, in every position.
  const everything = Array.from({ length: 256 }, (_, c) => String.fromCharCode(c)).join("") + "\u2028\u2029\u202e\ufeff\u200b\ud800*/`${x}";
  const args = { domain: `a${everything}.example`, cloudflare: { zoneName: everything }, extraTxt: [everything, `"); require("child_process").exec("id"); ("`], spf: { include: [everything], all: enums.SpfAll.Fail } } as unknown as MailDomainArgs;
  generated.push({ byte: -1, yaml: renderYaml([args], [everything, "second line"]), ts: renderTypeScript([args], [everything, "second line"]), entries: [args] });
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("every byte reached the generators (an owner name and a TXT value with it are imported)", () => {
  const withHost = generated.filter((g) => g.entries.some((e) => e.domain.startsWith("ho")));
  expect(withHost.length).toBeGreaterThan(200);
  expect(generated.filter((g) => g.entries.some((e) => e.domain.includes(String.fromCharCode(g.byte)) && g.byte < 32)).length).toBeGreaterThan(20);
});

test("no raw control, format or line-breaking character in any output, and the headers are comment lines", () => {
  for (const g of generated) {
    for (const out of [g.ts, g.yaml]) expect({ byte: g.byte, raw: RAW_UNSAFE.exec(out)?.[0] }).toEqual({ byte: g.byte, raw: undefined });
    const tsHeader = g.ts.split("\n").slice(0, g.ts.split("\n").findIndex((l) => l.startsWith("import ")));
    expect(tsHeader.length).toBeGreaterThanOrEqual(2);
    for (const l of tsHeader) expect(l).toMatch(/^\/\/ /);
    for (const l of g.yaml.split("\n").slice(0, g.yaml.split("\n").findIndex((x) => x === "config:"))) expect(l === "" || l.startsWith("#")).toBe(true);
    expect(LINE_BREAK.test(g.ts.replace(/\n/g, ""))).toBe(false);
  }
});

test("the YAML reads back to exactly the imported args, as YAML 1.2 and as YAML 1.1", () => {
  for (const g of generated) {
    for (const version of ["1.2", "1.1"] as const) {
      const docs = parseAllDocuments(g.yaml, { version });
      expect(docs).toHaveLength(1);
      const doc = (docs as { toJS(): unknown }[])[0].toJS() as { config: Record<string, unknown> };
      expect(Object.keys(doc)).toEqual(["config"]);
      expect(Object.keys(doc.config)).toEqual(["maildomain:domains"]);
      expect({ byte: g.byte, args: doc.config["maildomain:domains"] }).toEqual({ byte: g.byte, args: JSON.parse(JSON.stringify(g.entries)) });
    }
  }
  expect(parseYaml(generated[0].yaml)).toBeTruthy();
});

test("the TypeScript type-checks against the real component", () => {
  const tsDir = path.join(dir, "ts");
  fs.mkdirSync(tsDir);
  const components = JSON.stringify(path.join(ROOT, "components"));
  const files = generated.map((g, i) => {
    const file = path.join(tsDir, `snippet${i}.ts`);
    fs.writeFileSync(file, g.ts.replace('from "./components"', `from ${components}`) + "export {};\n");
    return file;
  });
  const program = ts.createProgram(files, { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, skipLibCheck: true, types: ["node"] });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
  expect(problems).toEqual([]);
}, 120_000);

test("the TypeScript evaluates in an empty context to nothing but new MailDomain(name, args) with the imported args", () => {
  for (const g of generated) {
    const js = ts.transpileModule(g.ts, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const effects: string[] = [];
    const created: unknown[] = [];
    class MailDomain {
      constructor(name: unknown, args: unknown) {
        created.push(args);
        if (typeof name !== "string") effects.push(`name ${String(name)}`);
      }
    }
    const module = { exports: {} };
    const sandbox = {
      module,
      exports: module.exports,
      require: (id: string) => {
        if (id !== "./components") effects.push(`require(${id})`);
        return { MailDomain, ...enums };
      },
    };
    // Any other global the code reached for would be a ReferenceError; any call, a recorded effect.
    vm.runInNewContext(js, sandbox, { timeout: 5000 });
    expect({ byte: g.byte, effects }).toEqual({ byte: g.byte, effects: [] });
    expect({ byte: g.byte, created }).toEqual({ byte: g.byte, created: JSON.parse(JSON.stringify(g.entries)) });
  }
});
