/**
 * The harness builds the validation args as the policy server does: the policy config file
 * (levels, `all`, knobs, schema defaults, validation), and unknown values in a preview.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumiOutput from "@pulumi/pulumi/output";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { allPolicies } from "../../policies/all";
import { loadPolicyConfigFile, PolicyConfigError, PolicyRunError, resolvePolicyConfig, runPolicies, UNKNOWN } from "../../policies/harness";
import { spfLookupLimit, spfNoPassAll, spfNoPtr } from "../../policies/resource/spf";
import { dkimMinKeySize } from "../../policies/resource/dkim";
import { CLOUDFLARE, cloudflareResources, domainWith, DOMAIN, keys, MANAGERS, resourcesFor, route53Resources, run, TLS_KEY, urnOf, violationsOf } from "./fixtures";

const ptr = () => cloudflareResources({ name: DOMAIN, type: "TXT", values: ["v=spf1 ptr +all"] }, { resourceName: "spf" });

describe("policy config", () => {
  test("the defaults: each policy's level and its schema defaults, as getConfig() returns them", () => {
    const { config } = resolvePolicyConfig(allPolicies);
    expect(config.get("spf-no-pass-all")).toEqual({ enforcementLevel: "mandatory", properties: {} });
    expect(config.get("spf-lookup-limit")).toEqual({ enforcementLevel: "mandatory", properties: { maxLookups: 10 } });
    expect(config.get("dkim-min-key-size")?.properties).toEqual({
      environment: "auto",
      productionStacks: ["prod", "production", "prod-*", "*-prod", "*-production"],
      minRsaBits: 2048,
      minRsaBitsNonProduction: 1024,
    });
  });

  test("a level per policy (string or object), all, disabled, remediate", async () => {
    const base = await run(ptr(), { stackPolicies: false, policies: [spfNoPtr, spfNoPassAll] });
    expect(base.violations.map((v) => [v.policy, v.enforcementLevel])).toEqual([["spf-no-ptr", "advisory"], ["spf-no-pass-all", "mandatory"]]);

    const raised = await run(ptr(), { stackPolicies: false, policies: [spfNoPtr, spfNoPassAll], config: { "spf-no-ptr": "mandatory", "spf-no-pass-all": { enforcementLevel: "advisory" } } });
    expect(raised.violations.map((v) => [v.policy, v.enforcementLevel])).toEqual([["spf-no-ptr", "mandatory"], ["spf-no-pass-all", "advisory"]]);
    expect(raised.hasMandatory).toBe(true);

    const all = await run(ptr(), { stackPolicies: false, policies: [spfNoPtr, spfNoPassAll], config: { all: "advisory", "spf-no-ptr": "disabled" } });
    expect(all.violations.map((v) => [v.policy, v.enforcementLevel])).toEqual([["spf-no-pass-all", "advisory"]]);
    expect(all.hasMandatory).toBe(false);

    const remediate = await run(ptr(), { stackPolicies: false, policies: [spfNoPtr], config: { "spf-no-ptr": "remediate" } });
    expect(remediate.violations[0].enforcementLevel).toBe("mandatory");
  });

  test("knobs: maxLookups and minRsaBits change the verdict", async () => {
    const four = cloudflareResources({ name: DOMAIN, type: "TXT", values: ["v=spf1 a mx include:a.example.net include:b.example.net -all"] }, { resourceName: "spf" });
    expect((await run(four, { policies: [spfLookupLimit] })).violations).toEqual([]);
    const strict = await run(four, { policies: [spfLookupLimit], config: { "spf-lookup-limit": { maxLookups: 3 } } });
    expect(strict.violations[0].message).toMatch(/4 terms that need DNS lookups \(a mx include:a\.example\.net include:b\.example\.net\), above this organization's limit of 3 \(maxLookups\)/);

    const dkim = cloudflareResources({ name: `s._domainkey.${DOMAIN}`, type: "TXT", values: [`v=DKIM1; p=${keys.rsa2048}`] }, { resourceName: "dkim" });
    expect((await run(dkim, { policies: [dkimMinKeySize] })).violations).toEqual([]);
    const stricter = await run(dkim, { policies: [dkimMinKeySize], config: { "dkim-min-key-size": { minRsaBits: 3072 } } });
    expect(stricter.violations[0].message).toMatch(/2048 bits; this organization requires at least 3072 bits in production \(minRsaBits\)/);
  });

  test("invalid config is refused as the engine refuses it; unknown policy names are warnings", () => {
    const problems = (config: Record<string, unknown>) => {
      try {
        resolvePolicyConfig(allPolicies, config as never);
        return [];
      } catch (e) {
        expect(e).toBeInstanceOf(PolicyConfigError);
        return (e as PolicyConfigError).problems;
      }
    };
    expect(problems({ "spf-no-ptr": "blocking" })).toEqual([expect.stringMatching(/spf-no-ptr: "blocking" is not a valid enforcement level/)]);
    expect(problems({ "spf-lookup-limit": { maxLookups: "ten" } })).toEqual(['spf-lookup-limit: maxLookups: "ten" is not of type integer']);
    expect(problems({ "spf-lookup-limit": { maxLookups: 11 } })).toEqual(["spf-lookup-limit: maxLookups: 11 is greater than the maximum 10"]);
    expect(problems({ "spf-no-neutral-all": { environment: "prod" } })).toEqual([expect.stringMatching(/environment: "prod" is not one of "auto", "production", "non-production"/)]);
    expect(problems({ "spf-no-neutral-all": { productionStacks: ["live", ""] } })).toEqual([expect.stringMatching(/productionStacks\[1\]: "" is shorter than 1 characters/)]);
    expect(problems({ "dkim-min-key-size": { minRsaBits: 512 } })).toEqual(["dkim-min-key-size: minRsaBits: 512 is less than the minimum 1024"]);
    expect(resolvePolicyConfig(allPolicies, { "spf-no-pass-al": "advisory" }).warnings).toEqual(['policy config names "spf-no-pass-al", which is no policy of this pack']);
  });

  test("the README's example config is valid for this pack", () => {
    const example = loadPolicyConfigFile(join(__dirname, "../../policies/policy-config.example.json"));
    const { config, warnings } = resolvePolicyConfig(allPolicies, example);
    expect(warnings).toEqual([]);
    expect(config.get("spf-no-ptr")?.enforcementLevel).toBe("mandatory");
    expect(config.get("mta-sts-enforce-in-production")?.enforcementLevel).toBe("disabled");
    expect(config.get("dmarc-full-coverage-in-production")?.properties).toMatchObject({ minPct: 50, productionStacks: ["prod", "prod-*", "live"], environment: "auto" });
    for (const doc of ["policies/README.md", "docs/policies.md"]) {
      expect([doc, readFileSync(join(__dirname, "../..", doc), "utf8")]).toEqual([doc, expect.stringContaining(readFileSync(join(__dirname, "../../policies/policy-config.example.json"), "utf8").trim())]);
    }
  });

  test.each(["policies/README.md", "docs/policies.md"])("the policy tables of %s list every policy with its default level", (doc) => {
    const readme = readFileSync(join(__dirname, "../..", doc), "utf8");
    for (const p of allPolicies) {
      const row = readme.split("\n").find((l) => l.startsWith(`| \`${p.name}\` |`));
      expect(row).toBeDefined();
      const [production, elsewhere] = row!.split("|").slice(-3, -1).map((c) => c.trim());
      expect([production, elsewhere].some((c) => c.startsWith(p.enforcementLevel as string))).toBe(true);
      if (p.name.endsWith("-in-production") || p.name === "spf-no-neutral-all") expect(elsewhere).toBe("n/a");
      if (p.name.endsWith("-non-production")) expect(production).toBe("n/a");
    }
  });

  test("loadPolicyConfigFile reads the --policy-pack-config JSON file", () => {
    const dir = mkdtempSync(join(tmpdir(), "policy-config-"));
    try {
      const file = join(dir, "policy-config.json");
      writeFileSync(file, JSON.stringify({ all: "mandatory", "spf-no-neutral-all": { productionStacks: ["live"] } }));
      expect(loadPolicyConfigFile(file)).toEqual({ all: "mandatory", "spf-no-neutral-all": { productionStacks: ["live"] } });
      writeFileSync(file, "{ nope");
      expect(() => loadPolicyConfigFile(file)).toThrow(PolicyConfigError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a policy that throws fails the run with its name (as the server fails the preview)", async () => {
    const broken: ResourceValidationPolicy = { name: "broken", description: "d", validateResource: () => { throw new Error("boom"); } };
    await expect(runPolicies(ptr(), { policies: [broken] })).rejects.toThrow(PolicyRunError);
    await expect(runPolicies(ptr(), { policies: [broken] })).rejects.toThrow(/Error validating resource urn:pulumi:prod::mail::cloudflare:index\/dnsRecord:DnsRecord::spf with policy 'broken': boom/);
  });
});

describe("validation args as the server builds them", () => {
  test("resource args: type, name, urn, opts, provider, stackTags, isType/asType, getConfig; stack args: parent and dependencies resolved", async () => {
    const seen: unknown[] = [];
    const probe: ResourceValidationPolicy = {
      name: "probe",
      description: "d",
      configSchema: { properties: { knob: { type: "string", default: "x" } } },
      validateResource: (args) => {
        const cls = { __pulumiType: CLOUDFLARE };
        seen.push({
          type: args.type,
          name: args.name,
          urn: args.urn,
          opts: args.opts,
          provider: args.provider && { type: args.provider.type, name: args.provider.name, urn: args.provider.urn },
          tags: [...args.stackTags.entries()],
          isType: args.isType(cls as never),
          asType: args.asType(cls as never) === args.props,
          config: args.getConfig(),
          content: args.props.content,
        });
      },
    };
    const stackSeen: unknown[] = [];
    const stackProbe: StackValidationPolicy = {
      name: "stack-probe",
      description: "d",
      validateStack: (args) => {
        const child = args.resources.find((r) => r.name === "child")!;
        stackSeen.push({ parent: child.parent?.name, deps: child.dependencies.map((d) => d.name), propertyDeps: child.propertyDependencies.content?.map((d) => d.name), outputs: child.props.content });
      },
    };
    const parentUrn = urnOf("prod", "maildomain:index:MailDomain", "corp");
    const providerUrn = "urn:pulumi:prod::mail::pulumi:providers:cloudflare::cf";
    await runPolicies(
      [
        { type: "maildomain:index:MailDomain", name: "corp", urn: parentUrn, custom: false, inputs: {} },
        {
          type: CLOUDFLARE,
          name: "child",
          urn: "urn:pulumi:prod::mail::maildomain:index:MailDomain$cloudflare:index/dnsRecord:DnsRecord::child",
          inputs: { content: "in", secret: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s" } },
          outputs: { content: "out" },
          parent: parentUrn,
          dependencies: [parentUrn],
          propertyDependencies: { content: [parentUrn] },
          provider: `${providerUrn}::id-1`,
        },
      ],
      { stack: "prod", project: "mail", policies: [probe, stackProbe], stackTags: { team: "mail" } },
    );
    expect(seen).toEqual([
      {
        type: CLOUDFLARE,
        name: "child",
        urn: "urn:pulumi:prod::mail::maildomain:index:MailDomain$cloudflare:index/dnsRecord:DnsRecord::child",
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [], parent: parentUrn },
        provider: { type: "pulumi:providers:cloudflare", name: "cf", urn: providerUrn },
        tags: [["team", "mail"], ["pulumi:project", "mail"]],
        isType: true,
        asType: true,
        config: { knob: "x" },
        content: "in",
      },
    ]);
    expect(stackSeen).toEqual([{ parent: "corp", deps: ["corp"], propertyDeps: ["corp"], outputs: "out" }]);
  });
});

describe("unknown values (preview)", () => {
  test.each(MANAGERS)("%s: a TXT record whose content is unknown is skipped by the TXT policies, with the server's message, and never crashes", async (manager) => {
    const [record] = resourcesFor(manager, { name: DOMAIN, type: "TXT", values: ["v=spf1 -all"] }, { resourceName: "spf" });
    if (manager === "cloudflare") record.inputs.content = UNKNOWN;
    else record.inputs.records = ["google-site-verification=abc", UNKNOWN];
    const result = await run([record], { stackPolicies: false });
    expect(result.violations).toEqual([]);
    const skipped = result.skipped.map((s) => s.policy).sort();
    expect(skipped).toEqual(["dns-no-private-key", "spf-lookup-limit", "spf-no-neutral-all", "spf-no-pass-all", "spf-no-ptr", "spf-valid-syntax", "txt-string-length"]);
    expect(result.skipped[0].message).toBe(
      `can't run policy '${result.skipped[0].policy}' from policy pack 'maildomain@v0.1.0' during preview: string value at .${manager === "cloudflare" ? "content" : "records.1"} can't be known during preview`,
    );
    // Policies for other names or types do not even read the content: not applicable, not skipped.
    expect(result.notApplicable.map((n) => n.policy)).toContain("dmarc-valid-syntax");
    expect(result.notApplicable.map((n) => n.policy)).toContain("mx-valid");
  });

  test("an A record with an unknown address is not applicable, not skipped; an unknown ttl does not matter", async () => {
    const [a] = cloudflareResources({ name: `www.${DOMAIN}`, type: "A", values: ["x"] }, { resourceName: "www" });
    a.inputs.content = UNKNOWN;
    const [txt] = cloudflareResources({ name: DOMAIN, type: "TXT", values: ["v=spf1 +all"] }, { resourceName: "spf" });
    txt.inputs.ttl = UNKNOWN;
    const result = await run([a, txt], { stackPolicies: false });
    expect(result.skipped).toEqual([]);
    expect(violationsOf(result, "spf-no-pass-all")).toHaveLength(1);
  });

  test("the SDK's Unknown from a mocked preview is the same unknown", async () => {
    const [record] = cloudflareResources({ name: DOMAIN, type: "TXT", values: ["v=spf1 -all"] }, { resourceName: "spf" });
    record.inputs.content = (pulumiOutput as unknown as { unknown: unknown }).unknown;
    const result = await run([record], { stackPolicies: false, policies: [spfNoPassAll] });
    expect(result.skipped).toHaveLength(1);
  });

  test.each(MANAGERS)("%s: stack policies decide what the known values allow and say when an unknown could change it", async (manager) => {
    // A second TXT resource at the apex with unknown content could be a second SPF record.
    const pending = resourcesFor(manager, { name: DOMAIN, type: "TXT", values: ["x"] }, { resourceName: "pending" })[0];
    if (manager === "cloudflare") pending.inputs.content = UNKNOWN;
    else pending.inputs.records = [UNKNOWN];
    const result = await run([...domainWith(manager), pending], { resourcePolicies: false });
    expect(result.violations.filter((v) => v.policy !== "route53-single-record-set")).toEqual([]);
    expect(result.skipped.map((s) => s.policy)).toEqual(["spf-single-record"]);
    expect(result.skipped[0].message).toMatch(/during preview: string value at \.(content|records\.0) can't be known during preview/);

    // A DMARC record whose content is unknown still counts as the domain's DMARC record.
    const dmarc = domainWith(manager);
    const rec = dmarc.find((r) => r.inputs.name === `_dmarc.${DOMAIN}`)!;
    if (manager === "cloudflare") rec.inputs.content = UNKNOWN;
    else rec.inputs.records = [UNKNOWN];
    const r2 = await run(dmarc, { resourcePolicies: false });
    expect(r2.violations).toEqual([]);
    expect(r2.skipped).toEqual([]);
  });

  test("a record whose name is unknown leaves the DMARC requirement undetermined rather than failing it", async () => {
    const resources = domainWith("route53").filter((r) => r.inputs.name !== `_dmarc.${DOMAIN}`);
    const [unnamed] = route53Resources({ name: "x", type: "TXT", values: ["v=DMARC1; p=reject"] }, { resourceName: "unnamed" });
    unnamed.inputs.name = UNKNOWN;
    const result = await run([...resources, unnamed], { resourcePolicies: false });
    expect(violationsOf(result, "dmarc-required-in-production")).toEqual([]);
    expect(result.skipped.map((s) => s.policy)).toContain("dmarc-required-in-production");
  });

  test("a DKIM record of a new key (content unknown) with an unknown key algorithm is skipped by the key policy", async () => {
    const key = { type: TLS_KEY, name: "k", urn: urnOf("prod", TLS_KEY, "k"), inputs: { algorithm: UNKNOWN } };
    const [rec] = cloudflareResources({ name: `s._domainkey.${DOMAIN}`, type: "TXT", values: ["x"] }, { resourceName: "dkim" });
    rec.inputs.content = UNKNOWN;
    rec.dependencies = [key.urn];
    const result = await run([...domainWith("cloudflare"), key, rec]);
    expect(result.violations).toEqual([]);
    expect(result.skipped.map((s) => s.policy).sort()).toEqual(["dkim-generated-key-strength", "dkim-min-key-size", "dkim-no-sha1", "dkim-no-testing-in-production", "dkim-valid-key", "dns-no-private-key", "txt-string-length"]);
  });
});
