/**
 * `maildomain plan` with programs that misbehave (issue 10, item 4): a loop that never ends, a
 * promise that never settles and a process.exit are stopped or reported; timers and sockets left
 * open do not keep the plan from finishing; secret values (`pulumi.secret`, and every output a
 * provider keeps secret, such as a tls.PrivateKey's PEM) are `[secret]` in the table, in `--json`
 * and in `--zone-out`, and are cut out of log messages and the program's console output.
 * The programs are written here, into temporary project folders.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { captureIo } from "../support/io";
import type { PlanJson } from "../../cli/plan/command";

const ROOT = path.join(__dirname, "..", "..");

async function plan(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  let code = -1;
  await jest.isolateModulesAsync(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cli = require("../../cli/main") as typeof import("../../cli/main");
    code = await cli.main(["plan", ...args], io);
  });
  return { code, out: io.stdoutText, err: io.stderrText };
}

const dirs: string[] = [];
/** A project folder with this program as index.js and the repo's node_modules beside it. */
function project(program: string, stacks: Record<string, string> = { dev: "config: {}\n" }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-plan-hostile-"));
  dirs.push(dir);
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: hostile\nruntime: nodejs\nmain: index.js\n");
  for (const [stack, text] of Object.entries(stacks)) fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
  fs.writeFileSync(path.join(dir, "index.js"), `"use strict";\nconst pulumi = require("@pulumi/pulumi");\nconst cloudflare = require("@pulumi/cloudflare");\n${program}\n`);
  return dir;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const ZONE = `zoneId: "0123456789abcdef0123456789abcdef"`;
const record = (name: string, content: string) => `new cloudflare.DnsRecord(${JSON.stringify(name)}, { ${ZONE}, name: ${JSON.stringify(name)}, type: "TXT", ttl: 300, content: ${content} });`;

jest.setTimeout(60_000);

describe("--time-limit", () => {
  test("a program that loops forever is stopped, and the plan fails with a clear message", async () => {
    const dir = project(`${record("before.example.com", '"v=spf1 -all"')}\nwhile (true) {}`);
    const r = await plan(["--cwd", dir, "--time-limit", "1.5"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^maildomain plan: the program did not finish within 1\.5 s, so it was stopped \(--time-limit 1\.5\)\. A program that loops forever/m);
    expect(r.out).toBe("");
  });

  test("so is one that waits for a promise that never settles while a timer keeps it alive", async () => {
    const dir = project(`module.exports = async () => { ${record("a.example.com", '"v=spf1 -all"')} await new Promise(() => setInterval(() => {}, 100)); };`);
    const r = await plan(["--cwd", dir, "--time-limit", "1"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/did not finish within 1 s/);
  });

  test("one that waits for a promise nothing can settle ends at once, and says so", async () => {
    const dir = project(`module.exports = async () => { ${record("a.example.com", '"v=spf1 -all"')} await new Promise(() => {}); };`);
    const r = await plan(["--cwd", dir, "--time-limit", "30"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the program ended before its resources were registered and its exports resolved: it called process\.exit, or it waits for a promise that nothing will ever settle/);
  });

  test.each([["-1"], ["abc"], ["86401"], [""]])("--time-limit %j is a usage error", async (v) => {
    const r = await plan(["--cwd", project(""), "--time-limit", v]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--time-limit must be a number of seconds from 0 \(no limit\) to 86400/);
  });
});

describe("a program that leaves things running, or ends the process", () => {
  test("timers, an interval and a listening socket left open: the plan finishes once the resources are registered", async () => {
    const dir = project(
      [
        record("timers.example.com", '"v=spf1 -all"'),
        "setInterval(() => {}, 10);",
        "setTimeout(() => {}, 1e9);",
        'require("node:net").createServer().listen(0, "127.0.0.1");',
        // registered after a turn of the event loop, and an exported output resolved later
        `setTimeout(() => { ${record("late.example.com", '"v=spf1 ~all"')} }, 50);`,
        'exports.later = new Promise((r) => setTimeout(() => r("done"), 100));',
      ].join("\n"),
    );
    const r = await plan(["--cwd", dir, "--time-limit", "30", "--json"]);
    expect(r.err).not.toMatch(/did not finish/);
    const doc = JSON.parse(r.out) as PlanJson;
    expect(doc.resources.map((x) => x.name).sort()).toEqual(["late.example.com", "timers.example.com"]);
    expect(r.code).toBe(0);
  });

  test("an exported async function is run, as Pulumi runs it", async () => {
    const dir = project(`module.exports = async () => { await new Promise((r) => setTimeout(r, 20)); ${record("async.example.com", '"v=spf1 -all"')} return { ok: true }; };`);
    const r = await plan(["--cwd", dir, "--json"]);
    expect((JSON.parse(r.out) as PlanJson).resources.map((x) => x.name)).toEqual(["async.example.com"]);
  });

  test("process.exit in the program: the plan fails and says why, the command goes on", async () => {
    const r = await plan(["--cwd", project("process.exit(3);")]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the program ended the process with exit code 3 before its resources were registered: a Pulumi program must not call process\.exit/);
  });

  test("what the program prints goes to stderr, so --json stays one document", async () => {
    const r = await plan(["--cwd", project(`console.log("hello from the program"); ${record("x.example.com", '"v=spf1 -all"')}`), "--json"]);
    expect(r.err).toMatch(/hello from the program/);
    expect(() => JSON.parse(r.out)).not.toThrow();
  });
});

describe("secrets are [secret] in every output, as pulumi preview shows them", () => {
  const program = [
    'const tls = require("@pulumi/tls");',
    'const aws = require("@pulumi/aws");',
    'const key = new tls.PrivateKey("leaky-key", { algorithm: "RSA", rsaBits: 2048 });',
    // a PEM put into a record's content (a plain DnsRecord, whoever wrote it)
    record("leak.example.com", 'key.privateKeyPem.apply((pem) => `"${pem.replace(/\\n/g, " ")}"`)'),
    // its base64 body as a DKIM "public" key
    record("s1._domainkey.example.com", 'key.privateKeyPemPkcs8.apply((pem) => `"v=DKIM1; p=${pem.replace(/-----[^-]+-----|\\s/g, "")}"`)'),
    // pulumi.secret, on Route 53
    'new aws.route53.Record("r53-secret", { zoneId: "Z0000000000000000000", name: "_secret.example.com", type: "TXT", ttl: 300, records: [pulumi.secret("SECRET-CANARY-0123456789")] });',
    // and what is not secret stays readable
    record("plain.example.com", '"v=spf1 -all"'),
    // a program that logs and prints the key anyway
    'key.privateKeyPem.apply((pem) => { pulumi.log.warn(`the key is ${pem}`); console.log(pem); });',
  ].join("\n");
  let dir: string;
  let table: { code: number; out: string; err: string };
  let json: { code: number; out: string; err: string };
  let zoneDir: string;
  beforeAll(async () => {
    dir = project(program);
    zoneDir = path.join(dir, "zones");
    table = await plan(["--cwd", dir, "--zone-out", zoneDir]);
    json = await plan(["--cwd", dir, "--json"]);
  });

  /** No PEM armour, no PEM line, no base64 run as long as a key line, no canary (a policy may name the block type, "RSA PRIVATE KEY"). */
  const leaks = (text: string) => [/-----BEGIN/, /-----END/, /MII[A-Za-z0-9+/]{40}/, /[A-Za-z0-9+/]{64}/, /SECRET-CANARY/].filter((re) => re.test(text)).map(String);

  test("the table", () => {
    expect(leaks(table.out)).toEqual([]);
    expect(table.out).toMatch(/leak\.example\.com +TXT +300 +\[secret\]/);
    expect(table.out).toMatch(/s1\._domainkey\.example\.com +TXT +300 +\[secret\]/);
    expect(table.out).toMatch(/_secret\.example\.com +TXT +300 +\[secret\]/);
    expect(table.out).toMatch(/plain\.example\.com +TXT +300 +v=spf1 -all/);
  });

  test("--json: the secret inputs, and nothing else", () => {
    expect(leaks(json.out)).toEqual([]);
    const doc = JSON.parse(json.out) as PlanJson;
    const inputs = (name: string) => doc.resources.find((r) => r.name === name)?.inputs;
    expect(inputs("leak.example.com")?.content).toBe("[secret]");
    expect(inputs("s1._domainkey.example.com")?.content).toBe("[secret]");
    expect(inputs("r53-secret")?.records).toBe("[secret]");
    expect(inputs("plain.example.com")?.content).toBe("v=spf1 -all");
    expect(inputs("leaky-key")).toEqual({ algorithm: "RSA", rsaBits: 2048 });
  });

  test("--zone-out: the secret records are comments, the zone is still a zone", () => {
    const text = fs.readFileSync(path.join(zoneDir, "example.com.zone"), "utf8");
    expect(leaks(text)).toEqual([]);
    expect(text).toMatch(/^; leak\.example\.com\. 300 IN TXT \[secret\]: a secret value \(pulumi preview shows it as \[secret\]\) is not written\.$/m);
    expect(text).toMatch(/^plain\.example\.com\. 300 IN TXT "v=spf1 -all"$/m);
  });

  test("log messages, the program's console output and policy messages", () => {
    for (const r of [table, json]) expect(leaks(r.err)).toEqual([]);
    expect(table.out).toMatch(/the key is \[secret\]/);
    expect(json.err).toMatch(/\[secret\]/);
    // the policies still saw the real values: the published private key is caught
    const doc = JSON.parse(json.out) as PlanJson;
    expect(doc.violations).toContainEqual(expect.objectContaining({ policy: "dkim-valid-key", enforcementLevel: "mandatory", message: expect.stringMatching(/PRIVATE key/) }));
    expect(json.code).toBe(1);
  });
});
