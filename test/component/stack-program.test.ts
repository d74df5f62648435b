/**
 * The ready stack program (index.ts) with the example stack config (Pulumi.dev.yaml): one
 * MailDomain per entry of `domains`, enum values given as their strings.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { runProgram, valueOf } from "../support/pulumi";
import { stackDomains } from "../../components/stack-config";
import { MailDomain, MailDomainArgsError } from "../../components";

const root = path.join(__dirname, "..", "..");
const exampleConfig = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8")).config as Record<string, unknown>;

async function runStack(config: Record<string, unknown>) {
  return runProgram(() => {
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])));
    // Loaded once, without jest.isolateModules: an isolated registry would load a second
    // @pulumi/pulumi that has neither these mocks nor this config.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("../../index") as { domains: Record<string, { records: pulumi.Output<{ name: string; type: string }[]> }> };
  }, { project: "maildomain" }); // the project name of Pulumi.yaml, which namespaces the config keys
}

test("the example stack declares both domains, one per DNS manager", async () => {
  const run = await runStack(exampleConfig);
  expect(Object.keys(run.result.domains)).toEqual(["example.com", "example.net"]);
  const components = run.ofType("maildomain:index:MailDomain").map((r) => r.name);
  expect(components).toEqual(["example-com", "example-net"]);
  expect(run.ofType("cloudflare:index/dnsRecord:DnsRecord").every((r) => String(r.inputs.name).endsWith("example.com"))).toBe(true);
  expect(run.ofType("aws:route53/record:Record").every((r) => String(r.inputs.name).endsWith("example.net"))).toBe(true);
  const net = await valueOf(run.result.domains["example.net"].records);
  expect(net.map((r) => `${r.type} ${r.name}`)).toEqual(["MX example.net", "TXT example.net", "TXT google._domainkey.example.net", "TXT _dmarc.example.net"]);
});

test("example names only: every name in the example stack is a reserved example domain (RFC 2606)", () => {
  const text = fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8");
  const domains = [...text.matchAll(/[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(com|net|org)\b/g)].map((m) => m[0]);
  for (const d of domains) expect(d).toMatch(/(^|\.)example\.(com|net|org)$/);
});

describe("stack config errors are user errors with a clear message", () => {
  test.each([
    [undefined, /is not set/],
    [{ domain: "example.com" }, /must be a list/],
    [["example.com"], /domains\[0\]: must be an object/],
    [[{ cloudflare: {} }], /domains\[0\]\.domain: domain is empty/],
    [[{ domain: "example.com", cloudflare: {} }, { domain: "Example.com.", cloudflare: {} }], /domains\[1\]\.domain: Example\.com\. appears twice \(also domains\[0\]\)/],
  ])("%j", (value, message) => {
    expect(() => stackDomains(value)).toThrow(message);
  });
});

describe("every entry is checked before any is declared", () => {
  const entry = (domain: string, extra: Record<string, unknown> = {}) => ({ domain, cloudflare: {}, mx: [{ host: `mx.${domain}`, priority: 10 }], ...extra });

  /** What index.ts does with the config (the module itself runs once per test file: see runStack). */
  async function stackProgram(domains: unknown[]) {
    let thrown: unknown;
    const run = await runProgram(() => {
      try {
        for (const { name, args } of stackDomains(domains)) new MailDomain(name, args);
      } catch (e) {
        thrown = e;
      }
    });
    return { run, error: thrown as MailDomainArgsError };
  }

  test("a typo in the third entry creates nothing for the first two: one MailDomainArgsError naming key, path and nearest key", async () => {
    const { run, error } = await stackProgram([entry("example.com"), entry("example.net"), entry("example.org", { spff: { mx: true } })]);
    expect(error).toBeInstanceOf(MailDomainArgsError);
    expect(error.diagnostics.map((d) => [d.code, d.field])).toEqual([["args.unknown", "domains[2].spff"]]);
    expect(error.message).toContain("- domains[2].spff: unknown argument; did you mean `spf`?");
    expect(error.message).toMatch(/no DNS record was created/);
    expect(run.engine.resources).toEqual([]);
  });

  test("the problems of all entries come together", () => {
    expect(() => stackDomains([entry("example.com", { ttl: "1h" }), entry("example.net", { cloudflare: { zonename: "example.net" } })])).toThrow(
      expect.objectContaining({ diagnostics: [expect.objectContaining({ field: "domains[0].ttl" }), expect.objectContaining({ field: "domains[1].cloudflare.zonename" })] }),
    );
  });

  test("two domains that would share a component name are an error naming both", () => {
    let error: MailDomainArgsError | undefined;
    try {
      stackDomains([entry("a-b.example.com"), entry("a.b.example.com")]);
    } catch (e) {
      error = e as MailDomainArgsError;
    }
    expect(error?.diagnostics).toEqual([expect.objectContaining({ code: "stack.name-collision", field: "domains[1].domain" })]);
    expect(error?.message).toMatch(/a\.b\.example\.com and a-b\.example\.com \(domains\[0\]\) would both be the component "a-b-example-com"/);
    expect(error?.message).toContain('add name: "a-b-example-com-2"');
  });

  test("name: gives an entry its own component name; the others keep theirs", async () => {
    const domains = stackDomains([entry("a-b.example.com"), entry("a.b.example.com", { name: "a-dot-b-example-com" })]);
    expect(domains.map((d) => d.name)).toEqual(["a-b-example-com", "a-dot-b-example-com"]);
    expect(domains[1].args).not.toHaveProperty("name");
    const { run, error } = await stackProgram([entry("a-b.example.com"), entry("a.b.example.com", { name: "a-dot-b-example-com" })]);
    expect(error).toBeUndefined();
    expect(run.ofType("maildomain:index:MailDomain").map((r) => r.name)).toEqual(["a-b-example-com", "a-dot-b-example-com"]);
    expect(run.engine.duplicateUrns).toEqual([]);
  });

  test.each([
    [[entry("example.com", { name: "" })], "domains[0].name"],
    [[entry("example.com", { name: "has space" })], "domains[0].name"],
    [[entry("example.com", { name: 5 })], "domains[0].name"],
    [[entry("example.com", { nmae: "x" })], "domains[0].nmae"],
  ])("a bad name: %j", (domains, field) => {
    expect(() => stackDomains(domains)).toThrow(expect.objectContaining({ diagnostics: [expect.objectContaining({ field })] }));
  });
});
