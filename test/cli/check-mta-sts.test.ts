/**
 * `maildomain check` and MTA-STS end to end, against real servers on loopback only: Knot serves the zones (each
 * mta-sts.<domain> and MX host resolves to a 127.0.83.x address), an HTTPS server per policy host address with a
 * certificate from a CA made in this test, and a real SMTP server with STARTTLS (smtp-server) per fault case:
 * valid, expired, not yet valid, self-signed, wrong name, wildcard, wildcard one label too deep, no STARTTLS, TLS 1.0
 * only, a broken handshake, nothing listening. The policy host faults: a redirect, text/html, over 64 KiB, 404, no
 * answer, a certificate for another name, no address, nothing listening.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildMtaSts } from "../../components/records/mta-sts";
import { MtaStsMode } from "../../components";
import { startDnsServer, type DnsServer, type Zone, type ZoneRecord } from "../support/dns";
import { createTestCa } from "../support/tls/ca";
import { onOnePort, startBrokenStarttls, startHttps, startSmtp } from "../support/tls/servers";
import { captureIo, checkJson, codes, JsonResult, txt } from "./check-support";
import { main } from "../../cli/main";

const DAY = 86_400_000;
const ca = createTestCa("maildomain MTA-STS test CA");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-mtasts-"));
const caFile = path.join(tmp, "ca.pem");
fs.writeFileSync(caFile, ca.certPem);

const A = (n: number) => `127.0.83.${n}`;
/** MX host → [address, SMTP server behaviour]. */
const MX = {
  good: { host: "mx.safe.test", address: A(10) },
  expired: { host: "mx.expired.test", address: A(11) },
  notyet: { host: "mx.notyet.test", address: A(12) },
  selfsigned: { host: "mx.selfsigned.test", address: A(13) },
  wrongname: { host: "mx.wrongname.test", address: A(14) },
  wildcard: { host: "mx.wildcard.test", address: A(15) },
  deep: { host: "x.y.wildcard.test", address: A(15) },
  nostarttls: { host: "mx.nostarttls.test", address: A(16) },
  oldtls: { host: "mx.oldtls.test", address: A(17) },
  broken: { host: "mx.broken.test", address: A(18) },
  closed: { host: "mx.closed.test", address: A(19) },
};

type Behaviour = "policy" | "redirect" | "html" | "big" | "missing" | "silent";
interface DomainSpec {
  domain: string;
  mx: { host: string; address: string }[];
  mode?: MtaStsMode;
  /** Policy mx patterns; default the MX hosts. */
  patterns?: string[];
  maxAge?: number;
  policyAddress?: string | null;
  behaviour?: Behaviour;
  tlsRpt?: boolean;
  /** Publish no _mta-sts record. */
  noSts?: boolean;
}

const specs: DomainSpec[] = [
  { domain: "safe.test", mx: [MX.good], tlsRpt: true },
  { domain: "two.test", mx: [MX.good, MX.expired] },
  { domain: "expired.test", mx: [MX.expired] },
  { domain: "enforced.test", mx: [MX.expired], mode: MtaStsMode.Enforce },
  { domain: "notyet.test", mx: [MX.notyet] },
  { domain: "selfsigned.test", mx: [MX.selfsigned] },
  { domain: "wrongname.test", mx: [MX.wrongname] },
  { domain: "wildcard.test", mx: [MX.wildcard], patterns: ["*.wildcard.test"] },
  { domain: "deep.test", mx: [MX.deep], patterns: ["*.y.wildcard.test"] },
  { domain: "nostarttls.test", mx: [MX.nostarttls] },
  { domain: "oldtls.test", mx: [MX.oldtls] },
  { domain: "broken.test", mx: [MX.broken] },
  { domain: "closed.test", mx: [MX.closed] },
  { domain: "uncovered.test", mx: [MX.good, MX.wildcard], patterns: ["mx.safe.test"], mode: MtaStsMode.Enforce },
  { domain: "shortage.test", mx: [MX.good], mode: MtaStsMode.Enforce, maxAge: 86400 },
  { domain: "none.test", mx: [MX.good], mode: MtaStsMode.None },
  { domain: "redirect.test", mx: [MX.good], behaviour: "redirect" },
  { domain: "html.test", mx: [MX.good], behaviour: "html" },
  { domain: "big.test", mx: [MX.good], behaviour: "big" },
  { domain: "missing.test", mx: [MX.good], behaviour: "missing" },
  { domain: "badcert.test", mx: [MX.good], policyAddress: A(2) },
  { domain: "nohost.test", mx: [MX.good], policyAddress: null },
  { domain: "refused.test", mx: [MX.good], policyAddress: A(4) },
  { domain: "silent.test", mx: [MX.good], behaviour: "silent" },
  { domain: "plain.test", mx: [MX.good], noSts: true, policyAddress: null },
];

const policyOf = (s: DomainSpec) => buildMtaSts({ mode: s.mode ?? MtaStsMode.Testing, maxAge: s.maxAge, mx: s.patterns }, s.mx.map((m) => m.host));

function zoneOf(s: DomainSpec): Zone {
  const records: ZoneRecord[] = [];
  s.mx.forEach((m, i) => {
    records.push({ name: s.domain, type: "MX", value: `${10 * (i + 1)} ${m.host}.` });
    if (m.host.endsWith(`.${s.domain}`)) records.push({ name: m.host, type: "A", value: m.address });
  });
  if (!s.noSts) records.push({ name: `_mta-sts.${s.domain}`, type: "TXT", value: txt(`v=STSv1; id=${policyOf(s).id}`) });
  if (s.policyAddress !== null) records.push({ name: `mta-sts.${s.domain}`, type: "A", value: s.policyAddress ?? A(1) });
  if (s.tlsRpt) records.push({ name: `_smtp._tls.${s.domain}`, type: "TXT", value: txt(`v=TLSRPTv1; rua=mailto:tls@${s.domain}`) });
  return { origin: s.domain, records };
}

/** The MX hosts' own zones (mx.safe.test is in safe.test's zone; the wildcard hosts in wildcard.test's). */
const zones = (): Zone[] => {
  const z = specs.map(zoneOf);
  const wildcard = z.find((x) => x.origin === "wildcard.test")!;
  wildcard.records.push({ name: MX.deep.host, type: "A", value: MX.deep.address });
  for (const m of Object.values(MX)) {
    const owner = z.find((x) => m.host.endsWith(`.${x.origin}`));
    if (!owner) throw new Error(`no zone for ${m.host}`);
    if (!owner.records.some((r) => r.name === m.host && r.type === "A")) owner.records.push({ name: m.host, type: "A", value: m.address });
  }
  return z;
};

let dns: DnsServer;
let https: { port: number; close: () => Promise<void> };
let smtp: { port: number; close: () => Promise<void> };
const smtpSeen: string[] = [];
let doc: { results: (JsonResult & { mtaSts?: { state: string; summary: string; mode?: string; smtpProbed: boolean; tlsRpt: { published: boolean }; hosts: { host: string; ok: boolean; protocol?: string }[] } })[] };
let exitCode = -1;
const result = (domain: string) => doc.results.find((r) => r.domain === domain)!;
const finding = (domain: string, code: string) => result(domain).findings.find((f) => f.code === code);
/** The zones publish only MX and MTA-STS: SPF, DKIM and DMARC findings are not this test's subject. */
const stsCodes = (r: JsonResult, severity?: string) => codes(r, severity).filter((c) => /^(mta-sts|smtp|tls-rpt)\./.test(c));

function policyHandler(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse): void {
  const host = String(req.headers.host ?? "").replace(/:\d+$/, "");
  const spec = specs.find((s) => `mta-sts.${s.domain}` === host);
  if (!spec || req.url !== "/.well-known/mta-sts.txt") {
    res.writeHead(404).end();
    return;
  }
  switch (spec.behaviour ?? "policy") {
    case "redirect":
      res.writeHead(301, { location: `https://www.${spec.domain}/mta-sts.txt` }).end();
      return;
    case "html":
      res.writeHead(200, { "content-type": "text/html" }).end(policyOf(spec).policyText);
      return;
    case "big":
      res.writeHead(200, { "content-type": "text/plain" }).end(policyOf(spec).policyText + `x-pad: ${"a".repeat(70_000)}\r\n`);
      return;
    case "missing":
      res.writeHead(404, { "content-type": "text/plain" }).end("not here");
      return;
    case "silent":
      return; // never answers
    default:
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(policyOf(spec).policyText);
  }
}

beforeAll(async () => {
  dns = await startDnsServer(zones());
  const policyHosts = specs.filter((s) => s.policyAddress === undefined).map((s) => `mta-sts.${s.domain}`);
  const goodHttps = ca.issue({ names: policyHosts });
  const wrongHttps = ca.issue({ names: ["www.badcert.test"] });
  https = await onOnePort([A(1), A(2)], (address, port) =>
    startHttps({ address, ...(address === A(1) ? goodHttps : wrongHttps), handler: policyHandler }, port),
  );
  const certs = {
    [A(10)]: ca.issue({ names: [MX.good.host] }),
    [A(11)]: ca.issue({ names: [MX.expired.host], notBefore: new Date(Date.now() - 100 * DAY), notAfter: new Date(Date.now() - 10 * DAY) }),
    [A(12)]: ca.issue({ names: [MX.notyet.host], notBefore: new Date(Date.now() + 10 * DAY), notAfter: new Date(Date.now() + 100 * DAY) }),
    [A(13)]: ca.selfSigned({ names: [MX.selfsigned.host] }),
    [A(14)]: ca.issue({ names: ["mail.example.net"] }),
    [A(15)]: ca.issue({ names: ["*.wildcard.test"] }),
    [A(17)]: ca.issue({ names: [MX.oldtls.host] }),
  };
  smtp = await onOnePort([A(10), A(11), A(12), A(13), A(14), A(15), A(16), A(17), A(18)], (address, port) => {
    if (address === A(18)) return startBrokenStarttls(address, port);
    const c = certs[address];
    return startSmtp({ address, ...(c ? { certPem: c.certPem, keyPem: c.keyPem } : {}), ...(address === A(17) ? { onlyTls: "TLSv1" as const } : {}) }, port, smtpSeen);
  });
  const run = await checkJson([
    ...specs.filter((s) => s.behaviour !== "silent").map((s) => s.domain),
    "--server", dns.address, "--ca", caFile, "--https-port", String(https.port), "--smtp-port", String(smtp.port), "--timeout", "2000",
  ]);
  doc = run.doc as typeof doc;
  exitCode = run.code;
}, 60_000);

afterAll(async () => {
  await Promise.all([dns?.stop(), https?.close(), smtp?.close()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the policy is fetched and validated", () => {
  test("a good policy in testing mode with every MX passing: safe to enforce, TLS-RPT said", () => {
    const r = result("safe.test");
    expect(stsCodes(r, "error")).toEqual([]);
    expect(stsCodes(r, "warning")).toEqual([]);
    expect(codes(r)).toEqual(expect.arrayContaining(["mta-sts.found", "mta-sts.policy-fetched", "mta-sts.mode-testing", "smtp.tls-ok", "tls-rpt.found"]));
    expect(finding("safe.test", "mta-sts.policy-fetched")?.message).toMatch(/mode testing, mx mx\.safe\.test, max_age 604800/);
    expect(finding("safe.test", "smtp.tls-ok")?.message).toMatch(/mx\.safe\.test \(127\.0\.83\.10\): STARTTLS, TLSv1\.3, certificate for mx\.safe\.test issued by CN=maildomain MTA-STS test CA/);
    expect(r.mtaSts).toMatchObject({ state: "safe", mode: "testing", smtpProbed: true, tlsRpt: { published: true } });
    expect(r.mtaSts!.summary).toMatch(/^MTA-STS: safe to enforce: every MX host \(mx\.safe\.test\) offers STARTTLS/);
    expect(r.mtaSts!.summary).toContain("TLS-RPT is published (reports to mailto:tls@safe.test)");
  });

  test("without TLS-RPT the verdict says how to hear about failures", () => {
    expect(result("wildcard.test").mtaSts!.summary).toMatch(/TLS-RPT is not published: add TXT _smtp\._tls/);
  });

  test.each([
    ["redirect.test", "mta-sts.policy-redirect", /301.*redirecting to https:\/\/www\.redirect\.test\/mta-sts\.txt: senders must not follow redirects/],
    ["html.test", "mta-sts.policy-content-type", /serves it as text\/html, not text\/plain/],
    ["big.test", "mta-sts.policy-too-large", /more than 65536 bytes/],
    ["missing.test", "mta-sts.policy-http-status", /answers 404 Not Found, not 200/],
    ["badcert.test", "mta-sts.policy-certificate", /does not name mta-sts\.badcert\.test: it names www\.badcert\.test/],
    ["nohost.test", "mta-sts.policy-host-missing", /has no A\/AAAA record/],
    ["refused.test", "mta-sts.policy-unreachable", /cannot be fetched: .*ECONNREFUSED/],
  ])("%s: %s, and the verdict says MTA-STS is not in effect", (domain, code, message) => {
    const f = finding(domain, code);
    expect(f?.severity).toBe("error");
    expect(f?.message).toMatch(message);
    expect(result(domain).ok).toBe(false);
    expect(result(domain).mtaSts).toMatchObject({ state: "not-in-effect" });
    expect(result(domain).mtaSts!.summary).toMatch(/^MTA-STS is not in effect: /);
  });

  test("a live MX host the patterns do not cover, under enforce: an error and a blocked verdict naming it", () => {
    const f = finding("uncovered.test", "mta-sts.mx-not-covered");
    expect(f).toMatchObject({ severity: "error" });
    expect(f?.message).toMatch(/MX host mx\.wildcard\.test of uncovered\.test matches no mx pattern of the policy \(mx\.safe\.test\)/);
    expect(result("uncovered.test").mtaSts!.summary).toMatch(/^MTA-STS: enforce stops delivery now to mx\.wildcard\.test: it matches no mx pattern/);
  });

  test("max_age under a week under enforce is a warning; mode none a warning of its own", () => {
    expect(finding("shortage.test", "mta-sts.max-age-short-for-enforce")).toMatchObject({ severity: "warning" });
    expect(result("shortage.test").mtaSts).toMatchObject({ state: "safe", mode: "enforce" });
    expect(result("shortage.test").mtaSts!.summary).toMatch(/^MTA-STS: enforced, and safe/);
    expect(finding("none.test", "mta-sts.mode-none")).toMatchObject({ severity: "warning" });
  });

  test("a policy host that never answers is a bounded failure", async () => {
    const started = Date.now();
    const { doc: d } = await checkJson(["silent.test", "--server", dns.address, "--ca", caFile, "--https-port", String(https.port), "--smtp-port", String(smtp.port), "--timeout", "500"]);
    const f = d.results[0].findings.find((x) => x.code === "mta-sts.policy-unreachable");
    expect(f?.message).toMatch(/timed out after 500 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("each MX host's STARTTLS is proven", () => {
  test.each([
    ["expired.test", "smtp.certificate-expired", /its certificate expired on \d{4}-\d\d-\d\d/],
    ["notyet.test", "smtp.certificate-not-yet-valid", /not valid before \d{4}-\d\d-\d\d/],
    ["selfsigned.test", "smtp.certificate-untrusted", /it is self-signed/],
    ["wrongname.test", "smtp.certificate-name-mismatch", /does not name mx\.wrongname\.test: it names mail\.example\.net/],
    ["deep.test", "smtp.certificate-name-mismatch", /does not name x\.y\.wildcard\.test: it names \*\.wildcard\.test/],
    ["nostarttls.test", "smtp.starttls-missing", /does not offer STARTTLS/],
    ["oldtls.test", "smtp.tls-version-old", /speaks only TLSv1:/],
    ["broken.test", "smtp.tls-handshake-failed", /TLS handshake with mx\.broken\.test \(127\.0\.83\.18 port \d+\) failed/],
  ])("%s: %s (a warning in testing mode), and the verdict names the host", (domain, code, message) => {
    const f = finding(domain, code);
    if (!f) throw new Error(JSON.stringify(result(domain).findings, null, 1));
    expect(f).toMatchObject({ severity: "warning" });
    expect(f?.message).toMatch(message);
    const v = result(domain).mtaSts!;
    expect(v.state).toBe("blocked");
    expect(v.summary).toMatch(new RegExp(`^MTA-STS: enforce would stop delivery to ${result(domain).mtaSts!.hosts[0].host.replace(/\./g, "\\.")}: `));
  });

  test("a wildcard certificate names a host one label below it", () => {
    expect(stsCodes(result("wildcard.test"), "warning")).toEqual([]);
    expect(result("wildcard.test").mtaSts?.state).toBe("safe");
  });

  test("two MX hosts, one expired: the verdict names the expired one and its date", () => {
    const v = result("two.test").mtaSts!;
    expect(v.state).toBe("blocked");
    expect(v.summary).toMatch(/^MTA-STS: enforce would stop delivery to mx\.expired\.test: its certificate expired on \d{4}-\d\d-\d\d/);
    expect(v.summary).not.toContain("mx.safe.test:");
    expect(v.hosts.map((h) => [h.host, h.ok])).toEqual([["mx.safe.test", true], ["mx.expired.test", false]]);
  });

  test("under enforce the same expired certificate is an error: mail is refused now", () => {
    expect(finding("enforced.test", "smtp.certificate-expired")).toMatchObject({ severity: "error" });
    expect(result("enforced.test").mtaSts!.summary).toMatch(/^MTA-STS: enforce stops delivery now to mx\.expired\.test: its certificate expired on/);
    expect(result("enforced.test").ok).toBe(false);
  });

  test("an MX address where nothing listens is unproven, not failed", () => {
    expect(finding("closed.test", "smtp.unreachable")).toMatchObject({ severity: "warning" });
    expect(finding("closed.test", "smtp.unreachable")?.message).toMatch(/ECONNREFUSED/);
    expect(result("closed.test").mtaSts).toMatchObject({ state: "unproven" });
    expect(result("closed.test").mtaSts!.summary).toMatch(/^MTA-STS: not proven safe to enforce: .*port 25/);
  });

  test("no mail is sent: every session ended before MAIL FROM", () => {
    expect(smtpSeen.filter((s) => s.startsWith("connect")).length).toBeGreaterThanOrEqual(10);
    expect(smtpSeen.filter((s) => !s.startsWith("connect"))).toEqual([]);
  });

  test("exit code 1: error findings among the domains", () => {
    expect(exitCode).toBe(1);
  });
});

describe("options", () => {
  test("without --ca the test CA is not trusted: the policy host and the MX are untrusted", async () => {
    const { doc: d } = await checkJson(["safe.test", "--server", dns.address, "--https-port", String(https.port), "--smtp-port", String(smtp.port)]);
    const r = d.results[0];
    expect(r.findings.find((f) => f.code === "mta-sts.policy-certificate")?.message).toMatch(/not trusted: its chain cannot be verified up to a trusted root .*UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    expect(codes(r)).toContain("smtp.certificate-untrusted");
  });

  test("--no-smtp connects to no MX host and says so; the verdict is unproven", async () => {
    const before = smtpSeen.length;
    const { doc: d } = await checkJson(["safe.test", "--server", dns.address, "--ca", caFile, "--https-port", String(https.port), "--smtp-port", String(smtp.port), "--no-smtp"]);
    expect(smtpSeen.length).toBe(before);
    const r = d.results[0] as (typeof doc.results)[number];
    expect(codes(r)).toContain("smtp.not-probed");
    expect(r.mtaSts).toMatchObject({ state: "unproven", smtpProbed: false });
    expect(r.mtaSts!.summary).toMatch(/not probed \(--no-smtp\)/);
  });

  test("a domain without MTA-STS is not probed unless --smtp asks for it", async () => {
    const common = ["plain.test", "--server", dns.address, "--ca", caFile, "--https-port", String(https.port), "--smtp-port", String(smtp.port)];
    const before = smtpSeen.length;
    const quiet = (await checkJson(common)).doc.results[0] as (typeof doc.results)[number];
    expect(smtpSeen.length).toBe(before);
    expect(codes(quiet)).toContain("mta-sts.none");
    expect(quiet.mtaSts).toMatchObject({ state: "no-policy", smtpProbed: false });
    const probed = (await checkJson([...common, "--smtp"])).doc.results[0] as (typeof doc.results)[number];
    expect(smtpSeen.length).toBe(before + 1);
    expect(codes(probed)).toContain("smtp.tls-ok");
    expect(probed.mtaSts!.summary).toMatch(/^MTA-STS: not published\. Every MX host passes the STARTTLS checks, so a policy in testing mode can be published now\./);
  });

  test("human output prints the MTA-STS verdict line", async () => {
    const io = captureIo();
    await main(["check", "two.test", "--server", dns.address, "--ca", caFile, "--https-port", String(https.port), "--smtp-port", String(smtp.port)], io);
    expect(io.stdoutText).toMatch(/^ {2}MTA-STS: enforce would stop delivery to mx\.expired\.test: its certificate expired on/m);
  });

  test.each([
    [["--https-port", "0"], /--https-port must be a port number from 1 to 65535/],
    [["--smtp-port", "70000"], /--smtp-port must be a port number from 1 to 65535/],
    [["--ca", "/nonexistent/ca.pem"], /--ca \/nonexistent\/ca\.pem: cannot read it \(ENOENT\)/],
  ])("%j is a usage error", async (args, message) => {
    const io = captureIo();
    expect(await main(["check", "safe.test", ...args], io)).toBe(2);
    expect(io.stderrText).toMatch(message);
  });

  test("a --ca file without a certificate is a usage error", async () => {
    const empty = path.join(tmp, "empty.pem");
    fs.writeFileSync(empty, "not a certificate\n");
    const io = captureIo();
    expect(await main(["check", "safe.test", "--ca", empty], io)).toBe(2);
    expect(io.stderrText).toMatch(/holds no PEM certificate/);
  });
});
