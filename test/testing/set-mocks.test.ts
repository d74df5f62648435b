/**
 * `maildomain/testing` from the inside: what a user's unit test gets from `setMocks` (the package
 * test, test/package/install.test.ts, runs the README's example against the installed tarball).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DkimAlgorithm, DmarcPolicy, MailDomain, SpfAll } from "../../components";
import { mailDomainMocks, setMocks } from "../../testing";
import { PEER_RANGES } from "../../components/providers/packages";

const declare = (stackDomain = "example.com") =>
  new MailDomain(stackDomain.replace(/\./g, "-"), {
    domain: stackDomain,
    cloudflare: { zoneName: stackDomain },
    mx: [{ host: `mx1.${stackDomain}`, priority: 10 }],
    spf: { mx: true, all: SpfAll.Fail },
    dkim: [{ selector: "s2026", algorithm: DkimAlgorithm.Rsa2048 }],
    dmarc: { policy: DmarcPolicy.None, rua: [`mailto:dmarc@${stackDomain}`] },
  });

test("records come back as a resolver serves them, with a real generated DKIM key and the zone looked up", async () => {
  const mail = await setMocks();
  declare();
  const records = await mail.records();
  expect(records.map((r) => `${r.name} ${r.type}`).sort()).toEqual(["_dmarc.example.com TXT", "example.com MX", "example.com TXT", "s2026._domainkey.example.com TXT"]);
  expect(await mail.record("EXAMPLE.com.", "mx")).toMatchObject({ values: ["10 mx1.example.com."], zone: "example.com", manager: "cloudflare", ttl: 3600 });
  const dkim = await mail.record("s2026._domainkey.example.com", "TXT");
  const p = /p=([A-Za-z0-9+/=]+)$/.exec(dkim?.values[0] ?? "")?.[1] ?? "";
  const [key] = [...mail.generatedKeys.values()];
  // The published p= is the SPKI of the key the mocks generated: a key a signer could really use.
  expect(p).toBe(key.publicKeyPem.replace(/-----[^-]+-----|\s/g, ""));
  expect((await mail.resources()).some((r) => r.type === "tls:index/privateKey:PrivateKey")).toBe(true);
});

test("the policy pack runs on what was declared; the stack name decides production", async () => {
  let mail = await setMocks({ stack: "prod" });
  declare();
  const prod = await mail.policyViolations();
  expect(prod.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy)).toContain("dmarc-no-monitor-only-in-production");
  mail = await setMocks({ stack: "dev" });
  declare();
  expect((await mail.policyViolations()).filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
  // A policy config file's content, as --policy-pack-config takes it.
  mail = await setMocks({ stack: "prod" });
  declare();
  expect((await mail.policyViolations({ "dmarc-no-monitor-only-in-production": "disabled" })).map((v) => v.policy)).not.toContain("dmarc-no-monitor-only-in-production");
});

test("a program's config comes from `config` or from its Pulumi.<stack>.yaml, and warnings land in logs", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-testing-"));
  try {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: shop\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), "config:\n  shop:domain: shop.example\n  shop:mx: [mx1.shop.example]\n");
    const mail = await setMocks({ programDir: dir, stack: "staging", config: { "shop:mx": ["mx9.shop.example"] } });
    const config = new pulumi.Config();
    expect(config.require("domain")).toBe("shop.example");
    expect(config.requireObject<string[]>("mx")).toEqual(["mx9.shop.example"]);
    expect(pulumi.getProject()).toBe("shop");
    expect(pulumi.getStack()).toBe("staging");
    declare(config.require("domain"));
    await mail.settled();
    expect(mail.logs.some((l) => l.severity === "warning" && /p=none/.test(l.message))).toBe(true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("mailDomainMocks() is a plain Mocks object for pulumi.runtime.setMocks", async () => {
  const mocks = mailDomainMocks();
  const made = await mocks.newResource({ type: "tls:index/privateKey:PrivateKey", name: "k", inputs: { algorithm: "ED25519" }, custom: true });
  expect(String(made.state.publicKeyPem)).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  const zone = await mocks.call({ token: "aws:route53/getZone:getZone", inputs: { name: "example.net" } } as pulumi.runtime.MockCallArgs);
  expect(zone).toMatchObject({ name: "example.net", zoneId: expect.stringMatching(/^Z[0-9A-Z]{20}$/) });
});

test("the optional provider peers: the install hint quotes the ranges package.json declares", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8"));
  for (const [name, range] of Object.entries(PEER_RANGES)) {
    expect(pkg.peerDependencies[name]).toBe(range);
    expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true });
  }
});
