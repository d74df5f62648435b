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

describe("what the plan says (issue 9)", () => {
  test("one severity per line in the program's notes: the log level, not the diagnostic's own word as well", async () => {
    const dev = await plan(["--cwd", FIXTURE, "--stack", "dev"]);
    expect(dev.io.stdoutText).toMatch(/^ {2}warning {2}dmarc\.policy-none \(dmarc\.policy\): p=none only monitors/m);
    expect(dev.io.stdoutText).not.toMatch(/warning +(?:warning|error|info) /);
    const passAll = await plan(["--cwd", FIXTURE, "--stack", "passall"]);
    expect(passAll.io.stdoutText).toMatch(/^ {2}warning {2}spf\.pass-all \(spf\.all\): /m);
    expect(passAll.io.stdoutText).not.toMatch(/warning +(?:warning|error|info) /);
    expect(passAll.io.stdoutText).toMatch(/mandatory +spf-no-pass-all +shop-spf/);
  });

  test("a domain Gmail bounces (no DKIM, p=none) is never 'all passed' outside production: each production rule says its piece as an advisory", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-staging-"));
    try {
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: maildomain\nruntime: nodejs\nmain: ${path.join(ROOT, "index.ts")}\n`);
      fs.writeFileSync(
        path.join(dir, "Pulumi.staging.yaml"),
        'config:\n  maildomain:domains:\n    - domain: example.com\n      cloudflare: { zoneName: example.com }\n      mx: [{ host: mx1.example.com, priority: 10 }]\n      spf: { mx: true, all: "-all" }\n      dmarc: { policy: none, rua: ["mailto:dmarc@example.com"] }\n',
      );
      const { code, io } = await plan(["--cwd", dir, "--stack", "staging"]);
      expect(io.stdoutText).not.toMatch(/all passed/);
      expect(io.stdoutText).toMatch(/^Policies: 0 mandatory violations, 2 advisory\.$/m);
      expect(io.stdoutText).toMatch(/advisory +dkim-required-non-production +example-com-mx-mx1-example-com\n +example\.com: the domain may send mail .* in production, dkim-required-in-production refuses it\./);
      expect(io.stdoutText).toMatch(/advisory +dmarc-no-monitor-only-non-production +example-com-dmarc\n .*p=none only monitors.* in production, dmarc-no-monitor-only-in-production refuses it\./);
      expect(code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("--stack nosuch: the stack file does not exist, and these do", async () => {
    const { code, io } = await plan(["--cwd", FIXTURE, "--stack", "nosuch"]);
    expect(code).toBe(2);
    expect(io.stderrText).toMatch(/--stack nosuch: Pulumi\.nosuch\.yaml does not exist in .*plan-policies; the stacks there are badargs, dev, open, passall, prod\. Give one of them with --stack, or create Pulumi\.nosuch\.yaml\./);
    expect(io.stderrText).not.toMatch(/is not set/);
    const traversal = await plan(["--cwd", FIXTURE, "--stack", "../../etc/passwd"]);
    expect(traversal.code).toBe(2);
    expect(traversal.io.stderrText).toMatch(/is not a stack name/);
  });

  test("a project without any stack file plans any stack from the project's defaults (a Pulumi stack needs no stack file)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-nostack-"));
    try {
      fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: bare\nruntime: nodejs\nmain: index.js\n");
      fs.writeFileSync(path.join(dir, "index.js"), 'const cloudflare = require("@pulumi/cloudflare");\nnew cloudflare.DnsRecord("x", { zoneId: "0123456789abcdef0123456789abcdef", name: "example.com", type: "TXT", ttl: 300, content: "v=spf1 -all" });\n');
      expect((await plan(["--cwd", dir])).code).toBe(0);
      // the stack name still decides production: DMARC is required there
      const prod = await plan(["--cwd", dir, "--stack", "prod"]);
      expect(prod.io.stderrText).not.toMatch(/does not exist/);
      expect(prod.io.stdoutText).toMatch(/mandatory +dmarc-required-in-production/);
      expect(prod.code).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("--policy-config naming no policy, or no setting of one, is a usage error with the nearest name", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-pc-"));
    const file = path.join(dir, "policy-config.json");
    fs.writeFileSync(file, JSON.stringify({ "spf-no-pas-all": "advisory" }));
    const one = await plan(["--cwd", FIXTURE, "--policy-config", file]);
    expect(one.code).toBe(2);
    expect(one.io.stderrText).toMatch(/policy config .*policy-config\.json: "spf-no-pas-all" is no policy of this pack: did you mean "spf-no-pass-all"\?/);
    fs.writeFileSync(file, JSON.stringify({ "spf-lookup-limit": { maxLookup: 8 }, "zzz-unrelated-name": "mandatory", all: "advisory" }));
    const two = await plan(["--cwd", FIXTURE, "--policy-config", file]);
    expect(two.code).toBe(2);
    expect(two.io.stderrText).toMatch(/has 2 unknown names:\n {2}spf-lookup-limit: "maxLookup" is no setting of this policy: did you mean "maxLookups"\?\n {2}"zzz-unrelated-name" is no policy of this pack: the policies are spf-no-pass-all, /);
    fs.rmSync(dir, { recursive: true, force: true });
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
