/**
 * The policies on what `MailDomain` really registers, under the SDK's mocks (as the offline plan
 * command runs a program): a compliant domain violates nothing, `+all` is a mandatory violation.
 */
import { MailDomain, SpfAll } from "../../components";
import { MailDomainArgs } from "../../components/args";
import { PolicyResourceInput, runPolicies } from "../../policies/harness";
import { fullArgs } from "../component/fixtures";
import { runProgram } from "../support/pulumi";

const dnsOf = {
  cloudflare: { cloudflare: { zoneName: "example.com" } },
  route53: { route53: { zoneName: "example.com" } },
} as const;

/** The recorded resources; generated keys get their outputs (public key), as the engine's state has them. */
async function plan(args: MailDomainArgs, stack: string): Promise<PolicyResourceInput[]> {
  const run = await runProgram(() => new MailDomain("corp", args), { stack });
  return run.engine.resources.map((r) => ({ ...r, outputs: run.engine.keys.has(r.name) ? { ...r.inputs, ...run.engine.keys.get(r.name) } : undefined }));
}

// The component logs its warnings (here: +all) through the SDK; keep the test output clean.
beforeAll(() => {
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  jest.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterAll(() => jest.restoreAllMocks());

describe.each(["cloudflare", "route53"] as const)("MailDomain on %s, planned under mocks", (manager) => {
  test("a compliant domain violates no policy in production, and no policy is skipped", async () => {
    const resources = await plan(fullArgs(dnsOf[manager]), "prod");
    const result = await runPolicies(resources, { stack: "prod", project: "maildomain-test" });
    expect(result.violations).toEqual([]);
    expect(result.skipped).toEqual([]);
    expect(result.hasMandatory).toBe(false);
    // The component itself is a resource of the stack, not of the resource policies.
    expect(result.notApplicable.some((n) => n.urn?.endsWith("maildomain:index:MailDomain::corp"))).toBe(false);
  });

  test("spf all: +all is a mandatory violation on the SPF record", async () => {
    const args = fullArgs(dnsOf[manager]);
    args.spf = { ...args.spf, all: SpfAll.Pass };
    // Mandatory in every environment: one manager is planned as production, the other not.
    for (const stack of [manager === "cloudflare" ? "prod" : "dev"]) {
      const result = await runPolicies(await plan(args, stack), { stack, project: "maildomain-test" });
      expect(result.violations.map((v) => [v.policy, v.enforcementLevel])).toEqual([["spf-no-pass-all", "mandatory"]]);
      expect(result.violations[0].message).toMatch(/TXT example\.com: "\+all" authorizes every host on the Internet/);
      expect(result.violations[0].urn).toMatch(new RegExp(`^urn:pulumi:${stack}::maildomain-test::maildomain:index:MailDomain\\$`));
      expect(result.hasMandatory).toBe(true);
    }
  });
});
