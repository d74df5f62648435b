/**
 * `maildomain plan`, in process: each run loads the CLI in a fresh module registry, so the program,
 * its SDK instance and the mocks are new every time (as in a new process), and the program's own
 * @pulumi/pulumi is the one that gets the mocks and the config.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Resolver } from "node:dns/promises";
import { captureIo, CapturedIo } from "../support/io";
import { startDnsServer, type Zone } from "../support/dns";
import { readZoneFile } from "../../cli/import/zonefile";
import type { PlanJson } from "../../cli/plan/command";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURE = path.join(ROOT, "test", "fixtures", "programs", "plan-policies");

async function plan(args: string[], opts: { tty?: boolean; columns?: number } = {}): Promise<{ code: number; io: CapturedIo }> {
  const io = captureIo(opts);
  let code = -1;
  // The whole run in one isolated registry: modules the CLI requires later (the program itself)
  // come from it too.
  await jest.isolateModulesAsync(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cli = require("../../cli/main") as typeof import("../../cli/main");
    code = await cli.main(["plan", ...args], io);
  });
  return { code, io };
}

jest.setTimeout(60_000);

describe("plan of the repo's example stack (npm start)", () => {
  let tmp: string;
  let run: { code: number; io: CapturedIo };
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-plan-"));
    run = await plan(["--cwd", ROOT, "--json", "--zone-out", tmp]);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test("exits 0: nothing mandatory is violated", () => {
    expect(run.io.stderrText).not.toMatch(/failed/);
    expect(run.code).toBe(0);
  });

  test("--json prints { resources, violations } with every registered resource", () => {
    const doc = JSON.parse(run.io.stdoutText) as PlanJson;
    expect(Object.keys(doc)).toEqual(["resources", "violations"]);
    const types = new Set(doc.resources.map((r) => r.type));
    expect(types).toEqual(new Set(["maildomain:index:MailDomain", "cloudflare:index/dnsRecord:DnsRecord", "aws:route53/record:Record", "tls:index/privateKey:PrivateKey"]));
    for (const r of doc.resources) expect(r.urn).toMatch(/^urn:pulumi:dev::maildomain::/);
    expect(doc.resources.find((r) => r.name === "example-com-dmarc")?.inputs).toMatchObject({ name: "_dmarc.example.com", type: "TXT" });
    expect(run.io.stdoutText).not.toMatch(/PRIVATE KEY/);
    // the generated key and the DKIM record that holds it are marked as preview keys
    expect(doc.resources.filter((r) => r.previewKey).map((r) => r.name).sort()).toEqual(["example-com-dkim-s2026", "example-com-dkim-s2026-key"]);
    expect(doc.violations.every((v) => v.enforcementLevel !== "mandatory")).toBe(true);
  });

  test("--zone-out writes one zone file per DNS zone that Knot loads as is", async () => {
    expect(fs.readdirSync(tmp).sort()).toEqual(["example.com.zone", "example.net.zone"]);
    const text = fs.readFileSync(path.join(tmp, "example.com.zone"), "utf8");
    expect(text).toMatch(/^s2026\._domainkey\.example\.com\. 3600 IN TXT "v=DKIM1; k=rsa; p=[^"]{200,}" "[^"]+"$/m);
    // Knot serves the file verbatim; the in-process fallback serves what the importer reads from it.
    const parsed = readZoneFile(text, { file: "example.com.zone" });
    const zone: Zone = { origin: "example.com", records: parsed.records.filter((r) => r.type !== "SOA" && r.type !== "NS").map((r) => ({ name: r.owner, type: r.type as never, ttl: r.ttl, value: r.rdata.join(" ") })) };
    const server = await startDnsServer([zone], { zoneFileText: { "example.com": text } });
    try {
      const resolver = new Resolver({ timeout: 2000, tries: 2 });
      resolver.setServers([server.address]);
      const dkim = await resolver.resolveTxt("s2026._domainkey.example.com");
      expect(dkim).toHaveLength(1);
      expect(dkim[0].length).toBe(2);
      expect(dkim[0].join("")).toMatch(/^v=DKIM1; k=rsa; p=MIIB/);
      expect((await resolver.resolveMx("example.com")).map((m) => `${m.priority} ${m.exchange}`).sort()).toEqual(["10 mx1.example.com", "20 mx2.example.com"]);
      expect(await resolver.resolveTxt("_dmarc.example.com")).toEqual([["v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc-reports@example.com"]]);
    } finally {
      await server.stop();
    }
  });
});

describe("plan with the policy pack", () => {
  test("a table per mail domain, with the policies' results (development stack)", async () => {
    const { code, io } = await plan(["--cwd", FIXTURE, "--stack", "dev"]);
    expect(io.stdoutText).toMatch(/^shop\.example\.com {2}\(Cloudflare zone example\.com\)$/m);
    expect(io.stdoutText).toMatch(/_dmarc\.shop\.example\.com +TXT +3600 +v=DMARC1; p=none; rua=mailto:dmarc@example\.com/);
    expect(io.stdoutText).toMatch(/^legacy\.example\.com {2}\(Cloudflare zone example\.com\)$/m);
    expect(io.stdoutText).toMatch(/^example\.org {2}\(Route 53 zone example\.org\)$/m);
    expect(io.stdoutText).not.toMatch(/mandatory +dmarc-no-monitor-only-in-production/);
    expect(io.stdoutText).toMatch(/s1\._domainkey\.shop\.example\.com: preview key, generated for this plan only/);
    expect(code).toBe(0);
  });

  test("production stack: p=none is a mandatory violation and the exit code is 1", async () => {
    const { code, io } = await plan(["--cwd", FIXTURE, "--stack", "prod"]);
    expect(io.stdoutText).toMatch(/mandatory +dmarc-no-monitor-only-in-production +shop-dmarc/);
    expect(code).toBe(1);
  });

  test("+all on a hand-written Cloudflare record is mandatory everywhere", async () => {
    const { code, io } = await plan(["--cwd", FIXTURE, "--stack", "open", "--json"]);
    const doc = JSON.parse(io.stdoutText) as PlanJson;
    expect(doc.violations).toContainEqual(expect.objectContaining({ policy: "spf-no-pass-all", enforcementLevel: "mandatory", urn: expect.stringMatching(/::legacy-spf$/) }));
    expect(code).toBe(1);
  });

  test("--policy-config sets enforcement levels in the Pulumi policy config format", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-pc-")), "policy-config.json");
    fs.writeFileSync(file, JSON.stringify({ "spf-no-pass-all": "advisory" }));
    const { code, io } = await plan(["--cwd", FIXTURE, "--stack", "open", "--policy-config", file, "--json"]);
    expect((JSON.parse(io.stdoutText) as PlanJson).violations).toContainEqual(expect.objectContaining({ policy: "spf-no-pass-all", enforcementLevel: "advisory" }));
    expect(code).toBe(0);
  });

  test("a component validation error: its message, no stack trace, exit 1", async () => {
    const { code, io } = await plan(["--cwd", FIXTURE, "--stack", "badargs"]);
    expect(io.stderrText).toMatch(/MailDomain "shop" has 1 invalid argument; no DNS record was created:\n {2}- dmarc\.policy: /);
    expect(io.stderrText).not.toMatch(/\n\s+at /);
    expect(code).toBe(1);
  });

  test("on a terminal, long values are shortened to the width", async () => {
    const { io } = await plan(["--cwd", FIXTURE, "--stack", "dev"], { tty: true, columns: 100 });
    const dkimLine = io.stdoutText.split("\n").find((l) => l.includes("s1._domainkey.shop.example.com"))!;
    expect(dkimLine.length).toBeLessThanOrEqual(100);
    expect(dkimLine).toMatch(/… \(\d+ chars\)$/);
  });
});

describe("plan usage errors exit 2", () => {
  test.each([
    [["--cwd", "/nonexistent"], /no Pulumi\.yaml/],
    [["--cwd", FIXTURE, "--policy-config", "/nonexistent.json"], /nonexistent\.json/],
    [["--bogus"], /unknown option/],
  ])("%j", async (args, message) => {
    const { code, io } = await plan(args);
    expect(io.stderrText).toMatch(message);
    expect(code).toBe(2);
  });
});
