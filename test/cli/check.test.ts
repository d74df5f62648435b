/**
 * `maildomain check` against a real authoritative DNS server (Knot, or the in-process fallback): a compliant domain,
 * the classic 550-5.7.26 case (the DKIM key left behind in the hosting panel's zone), `--expect` with a plan made by
 * the component, `--message` with signed messages, human output, usage errors, and one run through bin/maildomain.js.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startDnsServer, type DnsServer, type Zone } from "../support/dns";
import { captureIo, checkJson, codes, compliantRecords, message, rsaKey, txt, zoneRecordsFromPlan } from "./check-support";
import { main } from "../../cli/main";

const goodKey = rsaKey();
const providerKey = rsaKey(); // a key the mail provider publishes in its own zone; good.example delegates to it by CNAME
const panelKey = rsaKey(); // the key cPanel generated for moved.example; its record never reached the new DNS
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-check-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** moved.example as its old hosting panel served it: with the DKIM key. */
function movedZone(withPanelKey: boolean): Zone {
  return {
    origin: "moved.example",
    records: [
      { name: "moved.example", type: "MX", value: "10 mail.moved.example." },
      { name: "mail.moved.example", type: "A", value: "198.51.100.7" },
      { name: "moved.example", type: "TXT", value: txt("v=spf1 mx -all") },
      { name: "_dmarc.moved.example", type: "TXT", value: txt("v=DMARC1; p=none; rua=mailto:postmaster@moved.example") },
      ...(withPanelKey ? [{ name: "default._domainkey.moved.example", type: "TXT" as const, value: txt(panelKey.record) }] : []),
    ],
  };
}

const zones = (): Zone[] => [
  { origin: "good.example", records: [...compliantRecords("good.example", goodKey, { include: "_spf.provider.test" }), { name: "mail.good.example", type: "A", value: "192.0.2.25" },
    { name: "selector1._domainkey.good.example", type: "CNAME", value: "selector1-good-example._domainkey.provider.test." },
  ] },
  {
    origin: "provider.test",
    records: [
      { name: "_spf.provider.test", type: "TXT", value: txt("v=spf1 ip4:198.51.100.0/24 -all") },
      { name: "selector1-good-example._domainkey.provider.test", type: "TXT", value: txt(providerKey.record) },
    ],
  },
  { origin: "2.0.192.in-addr.arpa", records: [{ name: "25.2.0.192.in-addr.arpa", type: "PTR", value: "mail.good.example." }] },
  movedZone(false), // the DNS manager serving moved.example now (Cloudflare): the key was never copied
  // Records that try to drive the reader's terminal: ESC sequences and a C1 CSI in what DNS serves.
  {
    origin: "escape.example",
    records: [
      { name: "escape.example", type: "MX", value: "10 mail.escape.example." },
      { name: "mail.escape.example", type: "A", value: "192.0.2.26" },
      { name: "escape.example", type: "TXT", value: '"v=spf1 ip4:192.0.2.26 \\027[2J -all"' },
      { name: "_dmarc.escape.example", type: "TXT", value: '"v=DMARC1; p=none; x=\\027]0;owned\\007 \\194\\155" "31m"' },
    ],
  },
];

let dns: DnsServer;
beforeAll(async () => {
  dns = await startDnsServer(zones());
});
afterAll(async () => {
  await dns?.stop();
});

describe("a compliant domain", () => {
  test("exit 0, no error, verdict deliver, bulk-sender checklist met", async () => {
    const { code, doc } = await checkJson(["good.example", "--server", dns.address, "--selector", "s2026", "--ip", "192.0.2.25"]);
    expect(code).toBe(0);
    const [r] = doc.results;
    expect(r.domain).toBe("good.example");
    expect(r.ok).toBe(true);
    expect(codes(r, "error")).toEqual([]);
    expect(codes(r)).toEqual(expect.arrayContaining(["mx.found", "spf.found", "spf.ip-authorized", "dkim.found", "dmarc.found", "mta-sts.none", "tls-rpt.found", "rdns.found"]));
    expect(r.findings.find((f) => f.code === "dkim.found")?.message).toMatch(/RSA 2048-bit/);
    expect(r.findings.find((f) => f.code === "spf.found")?.message).toMatch(/2 of 10 DNS lookups, 0 void/);
    expect(r.verdict?.outcome).toBe("deliver");
    expect(r.verdict?.bulkSender.ok).toBe(true);
    expect(r.verdict?.bulkSender.checks.map((c) => c.check)).toEqual(["spf", "dkim", "dmarc", "alignment", "reverse-dns"]);
  });

  test("without --selector, common selectors are probed and a CNAME-delegated key (Microsoft 365 style) is followed into the provider's zone", async () => {
    const { code, doc } = await checkJson(["good.example", "--server", dns.address]);
    expect(code).toBe(0);
    const found = doc.results[0].findings.filter((f) => f.code === "dkim.found");
    expect(found).toHaveLength(1);
    expect(found[0].message).toBe(
      "DKIM key selector1 at selector1._domainkey.good.example: RSA 2048-bit, CNAME → selector1-good-example._domainkey.provider.test (found by probing common selectors).",
    );
    expect(doc.results[0].verdict?.outcome).toBe("deliver");
  });
});

describe("the classic 550-5.7.26: DKIM key only in the old panel's zone", () => {
  test("the served zone lacks the key: error naming the record, and Gmail's 550-5.7.26 verdict", async () => {
    const { code, doc } = await checkJson(["moved.example", "--server", dns.address, "--selector", "default", "--ip", "203.0.113.9"]);
    expect(code).toBe(1);
    const [r] = doc.results;
    expect(r.ok).toBe(false);
    const missing = r.findings.find((f) => f.code === "dkim.missing")!;
    expect(missing.severity).toBe("error");
    expect(missing.name).toBe("default._domainkey.moved.example");
    expect(missing.message).toMatch(/NXDOMAIN/);
    expect(missing.message).toMatch(/never copied to the DNS manager/);
    expect(codes(r, "error")).toContain("spf.ip-not-authorized");
    expect(r.verdict?.outcome).toBe("reject");
    expect(r.verdict?.smtp).toBe("550-5.7.26");
    expect(r.verdict?.summary).toMatch(/^Gmail will reject with 550-5\.7\.26: no DKIM key at selector default and SPF does not authorize IP 203\.0\.113\.9/);
    expect(r.verdict?.bulkSender.ok).toBe(false);
  });

  test("once the panel's record is served, the same check passes", async () => {
    const fixed = await startDnsServer([movedZone(true)]);
    try {
      const { code, doc } = await checkJson(["moved.example", "--server", fixed.address, "--selector", "default", "--ip", "198.51.100.7"]);
      expect(codes(doc.results[0], "error")).toEqual([]);
      expect(code).toBe(0);
      expect(doc.results[0].verdict?.outcome).toBe("deliver");
    } finally {
      await fixed.stop();
    }
  });

  test("what DNS serves cannot drive the terminal: escapes are printed as \\DDD in the text and as \\uXXXX in JSON", async () => {
    const io = captureIo();
    await main(["check", "escape.example", "--server", dns.address], io);
    expect(io.stdoutText).toContain("\\027[2J");
    expect(io.stdoutText).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const { doc, io: jsonIo } = await checkJson(["escape.example", "--server", dns.address]);
    expect(jsonIo.stdoutText).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(JSON.stringify(doc)).toContain("\\u001b[2J");
  });

  test("human output: grouped per domain, with the verdict and the checklist", async () => {
    const io = captureIo();
    const code = await main(["check", "moved.example", "good.example", "--server", dns.address, "--selector", "default", "--ip", "203.0.113.9"], io);
    expect(code).toBe(1);
    const text = io.stdoutText;
    expect(text).toMatch(/^moved\.example: FAIL \(\d+ errors?, \d+ warnings?\)$/m);
    expect(text).toMatch(/^ {2}error {3}dkim\.missing: no DKIM key at default\._domainkey\.moved\.example/m);
    expect(text).toMatch(/^ {2}Verdict \(Gmail\): REJECT 550-5\.7\.26 — Gmail will reject with 550-5\.7\.26: no DKIM key at selector default/m);
    expect(text).toMatch(/^ {4}\[ \] dkim/m);
    expect(text).toMatch(/^good\.example: /m);
    expect(text.indexOf("moved.example:")).toBeLessThan(text.indexOf("good.example:"));
    expect(text).toMatch(/^Checked 2 domains: 0 without errors, 2 with errors\./m);
    expect(io.stderrText).toBe(""); // no progress on a non-terminal stderr
  });
});

test("on a terminal: a progress line on stderr (cleared at the end) and findings wrapped to the width", async () => {
  const io = captureIo({ tty: true, columns: 100 });
  expect(await main(["check", "good.example", "moved.example", "--server", dns.address], io)).toBe(0);
  expect(io.stderrText).toMatch(/checking 2\/2 domains, \d+ DNS questions…/);
  expect(io.stderrText.endsWith("\r\x1b[K")).toBe(true);
  expect(io.stdoutText.split("\n").filter((line) => line.length > 100 && line.includes(" "))).toEqual([]);
});

describe("--expect PLAN.json", () => {
  let planFile: string;
  let planned: Zone;
  beforeAll(async () => {
    const { runProgram } = await import("../support/pulumi");
    const { MailDomain, DmarcPolicy, SpfAll } = await import("../../components");
    const run = await runProgram(
      () =>
        new MailDomain("planned", {
          domain: "planned.example",
          cloudflare: { zoneName: "planned.example" },
          mx: [{ host: "mx1.planned.example", priority: 10 }],
          spf: { mx: true, all: SpfAll.Fail },
          dkim: [{ selector: "default", publicKey: panelKey.publicKeyPem }],
          dmarc: { policy: DmarcPolicy.Reject, rua: ["mailto:dmarc@planned.example"] },
        }),
    );
    const resources = run.engine.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, inputs: r.inputs }));
    planFile = path.join(tmp, "plan.json");
    fs.writeFileSync(planFile, JSON.stringify({ resources, violations: [] }, null, 2));
    planned = { origin: "planned.example", records: [...zoneRecordsFromPlan(resources), { name: "mx1.planned.example", type: "A", value: "192.0.2.40" }] };
  });

  test("the plan's DKIM record was never created at the served DNS: an error naming the record and the likely cause", async () => {
    const withoutDkim: Zone = { ...planned, records: planned.records.filter((r) => !r.name.includes("._domainkey.")) };
    const server = await startDnsServer([withoutDkim]);
    try {
      // No domain given: the plan's mail domains are checked.
      const { code, doc } = await checkJson(["--expect", planFile, "--server", server.address]);
      expect(code).toBe(1);
      expect(doc.results.map((r) => r.domain)).toEqual(["planned.example"]);
      const r = doc.results[0];
      const missing = r.findings.filter((f) => f.code === "expect.missing");
      expect(missing).toHaveLength(1);
      expect(missing[0]).toMatchObject({ severity: "error", name: "default._domainkey.planned.example" });
      expect(missing[0].message).toMatch(/plan declares TXT default\._domainkey\.planned\.example "v=DKIM1; k=rsa; p=MII/);
      expect(missing[0].message).toMatch(/NXDOMAIN/);
      expect(missing[0].message).toMatch(/never created at the DNS manager that serves planned\.example/);
      // The plan's selector is checked as a given selector too.
      expect(codes(r, "error")).toContain("dkim.missing");
    } finally {
      await server.stop();
    }
  });

  test("everything served as planned: no expect error; a changed record is expect.different", async () => {
    const changed: Zone = {
      ...planned,
      records: planned.records.map((r) => (r.name === "_dmarc.planned.example" ? { ...r, value: txt("v=DMARC1; p=none") } : r)),
    };
    const server = await startDnsServer([planned]);
    try {
      const same = await checkJson(["planned.example", "--expect", planFile, "--server", server.address]);
      expect(codes(same.doc.results[0]).filter((c) => c.startsWith("expect."))).toEqual(["expect.match"]);
      expect(same.code).toBe(0);
      await server.setZones([changed]);
      const diff = await checkJson(["planned.example", "--expect", planFile, "--server", server.address]);
      expect(diff.code).toBe(1);
      const f = diff.doc.results[0].findings.find((x) => x.code === "expect.different")!;
      expect(f.severity).toBe("error");
      expect(f.message).toMatch(/live DNS serves TXT _dmarc\.planned\.example with another meaning than the plan: the policy for mail from the domain is reject in the plan and none in live DNS/);
      expect(f.message).toMatch(/Planned: "v=DMARC1; p=reject; rua=mailto:dmarc@planned\.example"\. Served: "v=DMARC1; p=none"\./);
    } finally {
      await server.stop();
    }
  });
});

describe("--message FILE.eml", () => {
  test("signed with a key whose record is served: DKIM, SPF and DMARC pass, exit 0, verdict deliver", async () => {
    const file = path.join(tmp, "good2.eml");
    fs.writeFileSync(file, await message("sales@good.example", { key: goodKey, selector: "s2026" }));
    const { code, doc } = await checkJson(["--message", file, "--ip", "192.0.2.25", "--helo", "mail.good.example", "--server", dns.address]);
    expect(doc.message?.authenticationResults).toMatch(/^Authentication-Results: maildomain;/);
    expect(doc.message?.authenticationResults).toMatch(/dkim=pass/);
    expect(doc.message?.authenticationResults).toMatch(/spf=pass/);
    expect(doc.message?.authenticationResults).toMatch(/dmarc=pass/);
    const [r] = doc.results;
    expect(r.domain).toBe("good.example");
    expect(codes(r, "error")).toEqual([]);
    expect(r.verdict?.outcome).toBe("deliver");
    expect(code).toBe(0);
  });

  test("signed with a key whose record is not served: DKIM fails (no key), Gmail rejects with 550-5.7.26", async () => {
    const file = path.join(tmp, "moved.eml");
    fs.writeFileSync(file, await message("office@moved.example", { key: panelKey, selector: "default" }));
    const io = captureIo();
    const code = await main(["check", "--message", file, "--ip", "203.0.113.9", "--server", dns.address], io);
    expect(code).toBe(1);
    const text = io.stdoutText;
    expect(text).toMatch(/^Authentication-Results: maildomain;/m);
    expect(text).toMatch(/dkim=neutral \(no key\)/);
    expect(text).toMatch(/spf=fail/);
    expect(text).toMatch(/message\.dkim-fail: DKIM signature d=moved\.example s=default: neutral \(no key\): no key is published at default\._domainkey\.moved\.example/);
    expect(text).toMatch(/Verdict \(Gmail\): REJECT 550-5\.7\.26/);
  });
});

describe("usage errors: exit 2 without a stack trace", () => {
  test.each([
    [["check"], /give at least one domain/],
    [["check", "example.com", "--ip", "300.1.2.3"], /--ip 300\.1\.2\.3 is not an IPv4 or IPv6 address/],
    [["check", "--message", "/nonexistent.eml"], /--message needs --ip/],
    [["check", "not a domain"], /is not a domain name/],
    [["check", "example.com", "--selector", "bad_selector"], /not a valid DKIM selector/],
    [["check", "example.com", "--expect", "/nonexistent/plan.json"], /--expect \/nonexistent\/plan\.json: cannot read it \(ENOENT\)/],
    [["check", "example.com", "--timeout", "0"], /--timeout must be a whole number/],
  ])("%j", async (argv, message) => {
    const io = captureIo();
    expect(await main(argv as string[], io)).toBe(2);
    expect(io.stderrText).toMatch(message as RegExp);
    expect(io.stderrText).not.toMatch(/\n\s+at /);
  });
});

test("bin/maildomain.js as a child process: JSON on stdout, exit code 1 for the domain missing its DKIM key", async () => {
  const bin = path.resolve(__dirname, "../../bin/maildomain.js");
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, "check", "moved.example", "--server", dns.address, "--selector", "default", "--json"], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(1);
  const doc = JSON.parse(result.stdout);
  expect(doc.results.map((r: { domain: string; ok: boolean }) => [r.domain, r.ok])).toEqual([["moved.example", false]]);
  expect(doc.results[0].findings.map((f: { code: string }) => f.code)).toContain("dkim.missing");
}, 20_000);
