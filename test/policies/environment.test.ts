/** Production detection: the stack name from the URN, productionStacks globs, the environment knob, the stack tag. */
import { DEFAULT_PRODUCTION_STACKS, matchesGlob, parseUrn, resolveEnvironment, stackFromUrn } from "../../policies/environment";
import { spfNoNeutralAll } from "../../policies/resource/spf";
import { CLOUDFLARE, cloudflareResources, DOMAIN, run, urnOf, violationsOf, notApplicableOf } from "./fixtures";

describe("the stack name comes from the URN", () => {
  test("urn:pulumi:<stack>::<project>::<types>::<name>", () => {
    expect(parseUrn("urn:pulumi:prod-eu::mail::maildomain:index:MailDomain$cloudflare:index/dnsRecord:DnsRecord::corp-spf")).toEqual({
      stack: "prod-eu",
      project: "mail",
      type: "cloudflare:index/dnsRecord:DnsRecord",
      name: "corp-spf",
    });
    expect(stackFromUrn("urn:pulumi:dev::p::t::a::b")).toBe("dev");
    expect(parseUrn("not-a-urn")).toBeUndefined();
    expect(parseUrn("urn:pulumi:dev::p")).toBeUndefined();
  });
});

describe("productionStacks", () => {
  const env = (stack: string, productionStacks?: string[]) => resolveEnvironment(urnOf(stack, CLOUDFLARE, "r"), undefined, { productionStacks }).environment;

  test.each([
    ["prod", "production"],
    ["production", "production"],
    ["prod-eu", "production"],
    ["eu-prod", "production"],
    ["eu-west-production", "production"],
    ["Prod", "production"],
    ["dev", "non-production"],
    ["staging", "non-production"],
    ["product", "non-production"],
    ["preprod-test", "non-production"],
    ["production-copy", "non-production"],
  ])("default patterns: %s is %s", (stack, expected) => {
    expect(DEFAULT_PRODUCTION_STACKS).toEqual(["prod", "production", "prod-*", "*-prod", "*-production"]);
    expect(env(stack)).toBe(expected);
  });

  test("custom patterns replace the defaults; ? is one character; regex characters are literal", () => {
    expect(env("live", ["live", "live-?"])).toBe("production");
    expect(env("live-1", ["live", "live-?"])).toBe("production");
    expect(env("live-10", ["live", "live-?"])).toBe("non-production");
    expect(env("prod", ["live"])).toBe("non-production");
    expect(matchesGlob("a.b", "a.b")).toBe(true);
    expect(matchesGlob("axb", "a.b")).toBe(false);
    expect(matchesGlob("(x)", "(*)")).toBe(true);
  });

  test("the environment knob forces either way; the stack tag can only mark production", () => {
    const urn = urnOf("dev", CLOUDFLARE, "r");
    expect(resolveEnvironment(urn, undefined, { environment: "production" })).toMatchObject({ environment: "production", stack: "dev", reason: expect.stringMatching(/forced/) });
    expect(resolveEnvironment(urnOf("prod", CLOUDFLARE, "r"), undefined, { environment: "non-production" }).environment).toBe("non-production");
    expect(resolveEnvironment(urn, new Map([["maildomain:environment", "production"]]), {}).environment).toBe("production");
    expect(resolveEnvironment(urnOf("prod", CLOUDFLARE, "r"), new Map([["maildomain:environment", "non-production"]]), {}).environment).toBe("production");
    expect(resolveEnvironment(undefined, undefined, {})).toMatchObject({ environment: "non-production", stack: undefined });
  });
});

describe("through the harness, a policy learns the environment from the resource URN", () => {
  const neutral = (stack: string) => cloudflareResources({ name: DOMAIN, type: "TXT", values: ["v=spf1 mx ?all"] }, { stack, resourceName: "spf" });

  test("the same record is a mandatory violation in prod-eu and not applicable in dev, whatever the run's stack option says", async () => {
    // The run's `stack` option only fills in missing URNs; these resources carry their own.
    const inProd = await run(neutral("prod-eu"), { stack: "dev", policies: [spfNoNeutralAll] });
    expect(violationsOf(inProd, "spf-no-neutral-all")).toHaveLength(1);
    expect(violationsOf(inProd, "spf-no-neutral-all")[0].urn).toBe(urnOf("prod-eu", CLOUDFLARE, "spf"));
    const inDev = await run(neutral("dev"), { stack: "prod", policies: [spfNoNeutralAll] });
    expect(inDev.violations).toEqual([]);
    expect(notApplicableOf(inDev, "spf-no-neutral-all")[0].reason).toBe(
      'Policy applies only in production: stack "dev" is not production (productionStacks: prod, production, prod-*, *-prod, *-production; set the policy config environment: production, or the stack tag maildomain:environment=production, to treat it as production)',
    );
  });

  test("a resource without a URN gets one from the run's stack and project", async () => {
    const [r] = neutral("x");
    const result = await run([{ ...r, urn: undefined }], { stack: "acme/mail/production", policies: [spfNoNeutralAll] });
    expect(result.violations[0].urn).toBe("urn:pulumi:production::mail::cloudflare:index/dnsRecord:DnsRecord::spf");
  });

  test("config productionStacks, config environment and the stack tag, per policy", async () => {
    const live = neutral("live");
    expect((await run(live, { policies: [spfNoNeutralAll] })).violations).toEqual([]);
    expect((await run(live, { policies: [spfNoNeutralAll], config: { "spf-no-neutral-all": { productionStacks: ["live"] } } })).violations).toHaveLength(1);
    expect((await run(live, { policies: [spfNoNeutralAll], config: { "spf-no-neutral-all": { environment: "production" } } })).violations).toHaveLength(1);
    expect((await run(live, { policies: [spfNoNeutralAll], stackTags: { "maildomain:environment": "production" } })).violations).toHaveLength(1);
    expect((await run(neutral("prod"), { policies: [spfNoNeutralAll], config: { "spf-no-neutral-all": { environment: "non-production" } } })).violations).toEqual([]);
  });
});
