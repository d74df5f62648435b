/**
 * `check --expect PLAN.json` compares by meaning, with the core's comparators, against a real DNS server: the seed
 * article's DMARC record (`V=DMARC1 … pct=50%`) shows its difference in full, in text and in JSON; `+a +mx` where
 * the plan says `a mx` is served as planned; an SPF term, an MX host or a DKIM key that changed is named.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/main";
import { startDnsServer, type DnsServer, type Zone, type ZoneRecord } from "../support/dns";
import { captureIo, checkJson, codes, rsaKey, txt, zoneRecordsFromPlan } from "./check-support";

const key = rsaKey();
const otherKey = rsaKey();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-expect-"));
const SEED_DMARC = "V=DMARC1; rua=mailto:dmarc@seed.example; ruf=mailto:dmarc@seed.example; p=quarantine; sp=none; fo=0; pct=50%";

let planFile: string;
let planned: ZoneRecord[];
let dns: DnsServer;

beforeAll(async () => {
  const { runProgram } = await import("../support/pulumi");
  const { MailDomain, DmarcPolicy, SpfAll } = await import("../../components");
  const run = await runProgram(
    () =>
      new MailDomain("seed", {
        domain: "seed.example",
        cloudflare: { zoneName: "seed.example" },
        mx: [
          { host: "mx1.seed.example", priority: 10 },
          { host: "mx2.seed.example", priority: 20 },
        ],
        spf: { a: true, mx: true, ip4: ["198.51.100.7"], all: SpfAll.Fail },
        dkim: [{ selector: "mail", publicKey: key.publicKeyPem }],
        dmarc: { policy: DmarcPolicy.Quarantine, subdomainPolicy: DmarcPolicy.None, percent: 50, rua: ["mailto:dmarc@seed.example"], ruf: ["mailto:dmarc@seed.example"], failureOptions: ["0"] },
      }),
  );
  const resources = run.engine.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, inputs: r.inputs }));
  planFile = path.join(tmp, "plan.json");
  fs.writeFileSync(planFile, JSON.stringify({ resources, violations: [] }));
  planned = [
    ...zoneRecordsFromPlan(resources),
    { name: "seed.example", type: "A", value: "198.51.100.7" },
    { name: "mx1.seed.example", type: "A", value: "198.51.100.7" },
    { name: "mx2.seed.example", type: "A", value: "198.51.100.8" },
  ];
  dns = await startDnsServer([{ origin: "seed.example", records: planned }]);
});
afterAll(async () => {
  await dns?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The planned zone with the TXT at `name` whose value starts with `prefix` replaced (or the MX set replaced). */
async function serve(change: { name: string; prefix?: string; value?: string; mx?: string[] }): Promise<void> {
  const records = planned.filter((r) => !(r.name === change.name && (change.mx ? r.type === "MX" : r.type === "TXT" && r.value.startsWith(`"${change.prefix ?? ""}`))));
  if (change.value) records.push({ name: change.name, type: "TXT", value: txt(change.value) });
  for (const m of change.mx ?? []) records.push({ name: change.name, type: "MX", value: m });
  await dns.setZones([{ origin: "seed.example", records } satisfies Zone]);
}

const expectFindings = (r: { findings: Array<{ code: string }> }) => r.findings.filter((f) => f.code.startsWith("expect."));

describe("the seed article's DMARC record against a plan that says pct=50", () => {
  test("JSON: the difference is pct (and V=), with both records whole; nothing is cut", async () => {
    await serve({ name: "_dmarc.seed.example", prefix: "v=DMARC1", value: SEED_DMARC });
    const { code, doc } = await checkJson(["seed.example", "--expect", planFile, "--server", dns.address, "--selector", "mail"]);
    expect(code).toBe(1);
    const f = doc.results[0].findings.find((x) => x.code === "expect.different") as unknown as { message: string; name: string; comparison: { expected: string; actual: string; differences: Array<{ field: string; expected: string; actual: string; message: string }> } };
    expect(f.name).toBe("_dmarc.seed.example");
    expect(f.comparison.actual).toBe(SEED_DMARC);
    expect(f.comparison.expected).toMatch(/^v=DMARC1; p=quarantine; sp=none; pct=50; rua=mailto:dmarc@seed\.example; ruf=mailto:dmarc@seed\.example; fo=0$/);
    expect(f.comparison.differences.map((d) => [d.field, d.expected, d.actual])).toEqual([
      ["v", "v=", "V="],
      ["pct", "50", "100 (default)"],
    ]);
    expect(f.message).toMatch(/the share of failing mail the policy applies to is 50 in the plan and 100 in live DNS \(live DNS writes pct=50%, which receivers ignore, so the default applies\)/);
    expect(f.message).toContain(`Served: "${SEED_DMARC}"`);
  });

  test("text output: the difference and both whole values are on the finding's lines", async () => {
    await serve({ name: "_dmarc.seed.example", prefix: "v=DMARC1", value: SEED_DMARC });
    const io = captureIo({ tty: true, columns: 100 });
    await main(["check", "seed.example", "--expect", planFile, "--server", dns.address, "--selector", "mail"], io);
    const text = io.stdoutText.replace(/\n {12}/g, " ");
    expect(text).toMatch(/expect\.different: live DNS serves TXT _dmarc\.seed\.example with another meaning than the plan: .*pct=50%/);
    expect(text).toContain(`Served: "${SEED_DMARC}"`);
    const line = text.split("\n").find((l) => l.includes("expect.different:"))!;
    expect(line).not.toContain("…");
  });
});

describe("SPF by meaning", () => {
  test("+a +mx where the plan says a mx: served as planned (expect.equivalent, exit 0)", async () => {
    await serve({ name: "seed.example", prefix: "v=spf1", value: "v=spf1 +a +MX ip4:198.51.100.7/32 -all" });
    const { code, doc } = await checkJson(["seed.example", "--expect", planFile, "--server", dns.address, "--selector", "mail"]);
    const r = doc.results[0];
    expect(codes(r, "error")).toEqual([]);
    expect(code).toBe(0);
    expect(expectFindings(r).map((f) => f.code)).toEqual(["expect.equivalent", "expect.match"]);
    expect(r.findings.find((f) => f.code === "expect.equivalent")?.message).toMatch(/^TXT seed\.example is written differently than planned but means the same to receivers .*planned "v=spf1 a mx ip4:198\.51\.100\.7 -all", served "v=spf1 \+a \+MX ip4:198\.51\.100\.7\/32 -all"/);
  });

  test("a dropped term and a softer all are each named", async () => {
    await serve({ name: "seed.example", prefix: "v=spf1", value: "v=spf1 a mx ~all" });
    const { doc } = await checkJson(["seed.example", "--expect", planFile, "--server", dns.address, "--selector", "mail"]);
    const f = doc.results[0].findings.find((x) => x.code === "expect.different") as unknown as { comparison: { differences: Array<{ field: string; expected: string; actual: string }> } };
    expect(f.comparison.differences.map((d) => [d.field, d.expected, d.actual])).toEqual([
      ["all", "-all", "~all"],
      ["ip4:198.51.100.7", "+ip4:198.51.100.7", "(absent)"],
    ]);
  });
});

describe("MX and DKIM by meaning", () => {
  test("other preference numbers in the same order are the same MX; a host that is gone is named", async () => {
    await serve({ name: "seed.example", mx: ["5 mx1.seed.example.", "50 MX2.seed.example."] });
    const same = await checkJson(["seed.example", "--expect", planFile, "--server", dns.address, "--selector", "mail"]);
    expect(same.doc.results[0].findings.find((f) => f.code === "expect.equivalent")?.message).toMatch(/^MX seed\.example is written differently than planned but means the same to receivers \(other preference numbers in the same order\)/);
    expect(codes(same.doc.results[0], "error")).toEqual([]);

    await serve({ name: "seed.example", mx: ["10 mx1.seed.example.", "10 mx2.seed.example."] });
    const order = await checkJson(["seed.example", "--expect", planFile, "--server", dns.address, "--selector", "mail"]);
    expect(order.doc.results[0].findings.find((f) => f.code === "expect.different")?.message).toMatch(/the same hosts in another order of preference/);

    await serve({ name: "seed.example", mx: ["10 mx1.seed.example."] });
    const gone = await checkJson(["seed.example", "--expect", planFile, "--server", dns.address, "--selector", "mail"]);
    expect(gone.doc.results[0].findings.find((f) => f.code === "expect.different")?.message).toMatch(/mx2\.seed\.example is in the plan but not served: senders no longer deliver to it/);
  });

  test("a DKIM key copied wrong: the p= difference, with both keys whole in JSON", async () => {
    await serve({ name: "mail._domainkey.seed.example", value: otherKey.record });
    const { doc } = await checkJson(["seed.example", "--expect", planFile, "--server", dns.address, "--selector", "mail"]);
    const f = doc.results[0].findings.find((x) => x.code === "expect.different") as unknown as { message: string; comparison: { differences: Array<{ field: string; expected: string; actual: string }> } };
    expect(f.message).toMatch(/the public keys differ: mail signed with the key the plan publishes fails DKIM against the live one/);
    expect(f.comparison.differences).toEqual([{ field: "p", expected: key.p, actual: otherKey.p, message: expect.any(String) }]);
    // The same key spelled differently (no v=, another tag order) is the same key.
    await serve({ name: "mail._domainkey.seed.example", value: `p=${key.p}; k=rsa` });
    const same = await checkJson(["seed.example", "--expect", planFile, "--server", dns.address, "--selector", "mail"]);
    expect(expectFindings(same.doc.results[0]).map((x) => x.code)).toEqual(["expect.equivalent", "expect.match"]);
  });
});

describe("values plan --json printed as [secret]", () => {
  test("are noted and not compared; the other values of the set and the other sets still are", async () => {
    await dns.setZones([{ origin: "seed.example", records: planned }]);
    const doc = JSON.parse(fs.readFileSync(planFile, "utf8")) as { resources: Array<{ type: string; inputs: Record<string, unknown> }> };
    // A program that put a secret into the DKIM record, and one of two MX values: as plan redacts them.
    for (const r of doc.resources) {
      if (r.inputs.name === "mail._domainkey.seed.example") r.inputs.content = "[secret]";
      if (r.inputs.type === "MX" && r.inputs.content === "mx2.seed.example") r.inputs.content = "[secret]";
    }
    const secretPlan = path.join(tmp, "secret-plan.json");
    fs.writeFileSync(secretPlan, JSON.stringify(doc));
    const { code, doc: out } = await checkJson(["seed.example", "--expect", secretPlan, "--server", dns.address, "--selector", "mail"]);
    const found = expectFindings(out.results[0]);
    expect(found.filter((f) => f.code === "expect.secret").map((f) => (f as unknown as { name: string }).name).sort()).toEqual(["mail._domainkey.seed.example", "seed.example"]);
    expect(found.map((f) => f.code)).not.toContain("expect.missing");
    // The MX set is compared on the value it still has: mx2 is served but no longer planned, so it differs.
    expect((found.find((f) => f.code === "expect.different") as unknown as { message: string } | undefined)?.message).toMatch(/^live DNS serves MX seed\.example with another meaning than the plan/);
    expect(code).toBe(1);
  });
});
