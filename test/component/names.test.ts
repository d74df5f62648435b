/**
 * Resource names: two mail domains, or two records of one, never share a resource name. Child names
 * come from the component name and the record's meaning, and stay what they were for every
 * configuration that did not collide before.
 */
import { MailDomain, MailDomainArgs } from "../../components";
import { planMailDomain } from "../../components/plan/plan";
import * as path from "node:path";
import { captureIo } from "../support/io";
import { runProgram } from "../support/pulumi";
import { CLOUDFLARE_DNS_RECORD, ROUTE53_RECORD, TLS_PRIVATE_KEY } from "./fixtures";

const base: MailDomainArgs = { domain: "example.com", cloudflare: {} };

describe("child names inside one domain", () => {
  test("MX hosts that differ only in a dot and a hyphen get distinct child names; the one without a hyphen keeps the plain name", async () => {
    const run = await runProgram(() => new MailDomain("ex", { ...base, mx: [{ host: "a-b.example.com", priority: 10 }, { host: "a.b.example.com", priority: 20 }] }));
    const names = run.ofType(CLOUDFLARE_DNS_RECORD).map((r) => r.name).filter((n) => n.startsWith("ex-mx-"));
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
    expect(names).toContain("ex-mx-a-b-example-com");
    expect(run.ofType(CLOUDFLARE_DNS_RECORD).find((r) => r.name === "ex-mx-a-b-example-com")?.inputs.content).toBe("a.b.example.com");
  });

  test("DKIM selectors a.b and a-b get distinct record and key names (Route 53 names sets, Cloudflare values)", async () => {
    const args: MailDomainArgs = { ...base, cloudflare: undefined, route53: {}, dkim: [{ selector: "a.b" }, { selector: "a-b" }] };
    const run = await runProgram(() => new MailDomain("ex", args));
    const records = run.ofType(ROUTE53_RECORD).map((r) => r.name).filter((n) => n.includes("dkim"));
    const keys = run.ofType(TLS_PRIVATE_KEY).map((r) => r.name);
    expect(new Set(records).size).toBe(2);
    expect(new Set(keys).size).toBe(2);
    expect(keys).toContain("ex-dkim-a-b-key");
  });

  test("names that collided with nothing are unchanged", () => {
    const plan = planMailDomain({ domain: "example.com", mx: [{ host: "mx1.example.com", priority: 10 }, { host: "mx-2.example.com", priority: 20 }], dkim: [{ selector: "s2026" }, { selector: "s-2025" }] });
    expect(plan.sets.map((s) => s.id)).toEqual(["mx", "dkim-s2026", "dkim-s-2025"]);
    expect(plan.sets[0].values.map((v) => v.id)).toEqual(["mx-mx1-example-com", "mx-mx-2-example-com"]);
  });
});

describe("the plan refuses what the engine refuses", () => {
  test("two components with one name are a duplicate URN, as pulumi preview says, and the plan fails", async () => {
    const io = captureIo();
    let code = -1;
    await jest.isolateModulesAsync(async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const cli = require("../../cli/main") as typeof import("../../cli/main");
      code = await cli.main(["plan", "--cwd", path.join(__dirname, "..", "fixtures", "programs", "duplicate-names")], io);
    });
    expect(code).not.toBe(0);
    expect(io.stderrText).toMatch(/Duplicate resource URN 'urn:pulumi:dev::duplicatenames::maildomain:index:MailDomain::mail'/);
  }, 60_000);
});
