/**
 * The advisor's pure core: the provider table, how sources become senders, the verdict's rules and edges, the
 * argument changes, and the MTA-STS verdict.
 */
import { googleWorkspace } from "../../components/presets/google-workspace";
import { microsoft365 } from "../../components/presets/microsoft-365";
import { planMailDomain } from "../../components/plan/plan";
import { DmarcPolicy, SpfAll } from "../../components/records/enums";
import { adviseDomain, adviseTls, applyChange, readDeclarations, renderChange, SENDING_SERVICES, type IpFacts, type TlsEvidence } from "../../reports/advisor";
import { BEGIN, DAY, evidence, OPTS, own, source } from "../support/advisor-evidence";
import { serviceByDkimDomain, serviceByEnvelope, serviceByRdns } from "../../reports/advisor/services";

describe("the provider table", () => {
  test("the fifteen services of the issue and more, each with its sources, identifiers and a DKIM setup", () => {
    const names = SENDING_SERVICES.map((s) => s.name).join(" | ");
    for (const n of ["Google Workspace", "Microsoft 365", "Amazon SES", "SendGrid", "Mailchimp", "Mandrill", "Mailgun", "Postmark", "SparkPost", "Brevo", "Zoho", "Fastmail", "Proton", "Salesforce", "HubSpot", "Zendesk"]) expect(names).toContain(n);
    expect(new Set(SENDING_SERVICES.map((s) => s.id)).size).toBe(SENDING_SERVICES.length);
    for (const s of SENDING_SERVICES) {
      expect(s.sources.length).toBeGreaterThan(0);
      expect(s.rdns.length + s.dkimDomains.length + s.envelopeDomains.length).toBeGreaterThan(0);
      for (const x of [...s.rdns, ...s.dkimDomains, ...s.envelopeDomains, ...s.spfInclude]) expect(x).toMatch(/^[a-z0-9_][a-z0-9.-]*\.[a-z]{2,}$/);
      expect(s.dkim.records("example.com", { dkimDomains: [], selectors: [] }).length).toBeGreaterThan(0);
      if (s.spfInclude.length === 0) expect(s.spfNote).toBeDefined();
    }
  });

  test("services with a preset take their SPF include from it, so the data exist once", () => {
    expect(SENDING_SERVICES.find((s) => s.id === "google-workspace")!.spfInclude).toEqual(googleWorkspace("x.example", {}).spfInclude);
    expect(SENDING_SERVICES.find((s) => s.id === "microsoft-365")!.spfInclude).toEqual(microsoft365("x.example", { tenant: "t" }).spfInclude);
  });

  test("names match by whole labels, the longest suffix first", () => {
    expect(serviceByRdns("mail-sor-f41.google.com")?.id).toBe("google-workspace");
    expect(serviceByRdns("a8-29.smtp-out.amazonses.com.")?.id).toBe("amazon-ses");
    expect(serviceByRdns("mail-db8eur05on2100.outbound.protection.outlook.com")?.id).toBe("microsoft-365");
    expect(serviceByRdns("outlook.com")).toBeUndefined();
    expect(serviceByRdns("notsendgrid.net")).toBeUndefined();
    expect(serviceByDkimDomain("example-com.20230601.gappssmtp.com")?.id).toBe("google-workspace");
    expect(serviceByEnvelope("bounce.mcsv.net")?.id).toBe("mailchimp");
  });

  test("Microsoft 365's DKIM CNAMEs come from the preset, with the tenant read from the signatures' d=", () => {
    const m = SENDING_SERVICES.find((s) => s.id === "microsoft-365")!;
    const seen = { dkimDomains: ["contoso.onmicrosoft.com"], selectors: [] };
    expect(m.dkim.records("example.com", seen)).toEqual((microsoft365("example.com", { tenant: "contoso" }).dkim ?? []).map((d) => ({ selector: d.selector, cnameTarget: d.cnameTarget })));
    expect(m.dkim.placeholders("example.com", seen)).toEqual([]);
    expect(m.dkim.placeholders("example.com", { dkimDomains: [], selectors: [] }).map((p) => p.name)).toEqual(["tenant"]);
  });
});

describe("senders", () => {
  test("a PTR name that does not resolve back to the IP does not make a service (anyone can write any PTR name)", () => {
    const ev = evidence([own("192.0.2.1", 1000), source("198.51.100.9", 50, { spf: [{ domain: "example.com", result: "fail", messages: 50 }] })]);
    const faked: IpFacts = { rdns: ["o1.outbound-mail.sendgrid.net"], confirmed: [] };
    const a = adviseDomain(ev, new Map([["198.51.100.9", faked]]), undefined, OPTS);
    expect(a.senders.find((s) => s.ips.includes("198.51.100.9"))).toMatchObject({ kind: "unknown", id: "unknown:sendgrid.net", name: "hosts of sendgrid.net" });
    const b = adviseDomain(ev, new Map([["198.51.100.9", { ...faked, confirmed: faked.rdns }]]), undefined, OPTS);
    expect(b.senders.find((s) => s.ips.includes("198.51.100.9"))).toMatchObject({ kind: "service", service: "sendgrid", legitimate: true });
  });

  test("a server whose forward-confirmed name is in the domain's organization is the domain's own, not a forwarder", () => {
    const app = source("192.0.2.40", 200, { dkimPass: 200, dmarcPass: 200, dkim: [{ domain: "example.com", selector: "app", result: "pass", messages: 200 }], spf: [{ domain: "example.com", result: "fail", messages: 200 }] });
    const ev = evidence([own("192.0.2.1", 5000), app]);
    const claimed = adviseDomain(ev, new Map([["192.0.2.40", { rdns: ["app1.example.com"], confirmed: [] }]]), undefined, OPTS);
    expect(claimed.senders.find((s) => s.ips.includes("192.0.2.40"))).toMatchObject({ kind: "forwarder" });
    const confirmed = adviseDomain(ev, new Map([["192.0.2.40", { rdns: ["app1.example.com"], confirmed: ["app1.example.com"] }]]), undefined, OPTS);
    expect(confirmed.senders.find((s) => s.ips.includes("192.0.2.40"))).toMatchObject({ kind: "own", id: "own:example.com" });
  });

  test("a receiver's 'forwarded' override reason makes a forwarder even when DKIM broke; its fix says DNS cannot help", () => {
    const ev = evidence([own("192.0.2.1", 5000), source("198.51.100.20", 100, { forwarded: 100, spf: [{ domain: "list.example.org", result: "softfail", messages: 100 }] })]);
    const a = adviseDomain(ev, new Map(), undefined, OPTS);
    const fwd = a.senders.find((s) => s.kind === "forwarder")!;
    expect(fwd).toMatchObject({ legitimate: true, dmarcFail: 100 });
    expect(fwd.fix).toMatch(/nothing in your DNS fixes that; the forwarder can rewrite From: or add an ARC seal \(RFC 8617\)/);
    expect(fwd.change).toBeUndefined();
    expect(a.verdict.blockers[0]).toMatchObject({ senderId: fwd.id, messages: 100 });
  });

  test("an own server that signs with an undeclared selector gets a generated key declared; one whose declared key fails is told to install it", () => {
    const unsigned = source("192.0.2.5", 300, { spfPass: 0, spf: [{ domain: "example.com", result: "pass", messages: 300 }], dkim: [{ domain: "example.com", selector: "old", result: "fail", messages: 300 }] });
    const declaration = readDeclarations([
      { name: "example.com", type: "TXT", values: ["v=spf1 ip4:192.0.2.0/24 -all"] },
      { name: "_dmarc.example.com", type: "TXT", values: ["v=DMARC1; p=none"] },
      { name: "s2024._domainkey.example.com", type: "TXT", values: ["v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="] },
    ]).get("example.com")!;
    const a = adviseDomain(evidence([own("192.0.2.1", 10_000), unsigned]), new Map([["192.0.2.1", { declaredSpf: "pass" }], ["192.0.2.5", { declaredSpf: "pass" }]]), declaration, OPTS);
    const s = a.senders.find((x) => x.ips.includes("192.0.2.5"))!;
    // the year comes from the reports' window; s2024 is taken, so the next free name
    expect(s.change).toEqual({ add: { dkim: [{ selector: "s2024-2" }] } });
    expect(s.fix).toMatch(/192\.0\.2\.5 \(selector old\) fail; declare a selector \(the component generates the key\)/);
    expect(s.fix).toMatch(/the declared SPF authorizes 192\.0\.2\.5 but receivers saw SPF fail: live DNS does not serve the declared record yet/);
    const wrongKey = { ...unsigned, dkim: [{ domain: "example.com", selector: "s2024", result: "fail", messages: 300 }] };
    const b = adviseDomain(evidence([own("192.0.2.1", 10_000), wrongKey]), new Map([["192.0.2.1", { declaredSpf: "pass" }], ["192.0.2.5", { declaredSpf: "pass" }]]), declaration, OPTS);
    const t = b.senders.find((x) => x.ips.includes("192.0.2.5"))!;
    expect(t.fix).toMatch(/the DKIM signatures of 192\.0\.2\.5 at selector s2024 fail: the server signs with another key than the one published; install the private key/);
    expect(t.change).toBeUndefined();
  });
});

describe("the verdict", () => {
  test("exactly the threshold is ready; just below is not", () => {
    const at = adviseDomain(evidence([own("192.0.2.1", 980), source("192.0.2.2", 20, { spfPass: 10, spf: [{ domain: "example.com", result: "pass", messages: 20 }] })]), new Map(), undefined, OPTS);
    expect(at.verdict).toMatchObject({ passRate: 98, ready: true });
    const below = adviseDomain(evidence([own("192.0.2.1", 979), source("192.0.2.2", 21, { spfPass: 11, spf: [{ domain: "example.com", result: "pass", messages: 21 }] })]), new Map(), undefined, OPTS);
    expect(below.verdict).toMatchObject({ passRate: 97.9, ready: false });
  });

  test("a domain with only spoofed mail is ready, with no pass rate to speak of", () => {
    const a = adviseDomain(evidence([source("203.0.113.9", 500), source("203.0.113.10", 7)]), new Map(), undefined, OPTS);
    expect(a.verdict).toMatchObject({ passRate: null, ready: true, legitimateMessages: 0, unknownMessages: 507, unknownSources: 2 });
    expect(a.verdict.summary).toMatch(/no mail from a legitimate sender in 20 days; 507 messages from 2 unknown sources would be quarantined/);
  });

  test("too few messages is thin data even over a long window", () => {
    const a = adviseDomain(evidence([own("192.0.2.1", 40)], 30), new Map(), undefined, OPTS);
    expect(a.verdict.thin).toMatch(/^only 40 messages from legitimate senders in 30 days/);
    expect(a.verdict.ready).toBe(false);
  });

  test("at p=reject there is no next step", () => {
    const declaration = readDeclarations([{ name: "_dmarc.example.com", type: "TXT", values: ["v=DMARC1; p=reject; rua=mailto:d@example.com"] }]).get("example.com")!;
    const a = adviseDomain(evidence([own("192.0.2.1", 1000)]), new Map(), declaration, OPTS);
    expect(a.verdict).toMatchObject({ current: "reject", currentFrom: "declared", next: null, ready: false, change: null });
    expect(a.verdict.summary).toMatch(/^example\.com: already at p=reject — /);
  });

  test("the next step keeps the declared tags, drops pct and is a record the planner accepts", () => {
    const declaration = readDeclarations([{ name: "_dmarc.example.com", type: "TXT", values: ["v=DMARC1; p=none; pct=50; rua=mailto:d@example.com; adkim=s; fo=1"] }]).get("example.com")!;
    const a = adviseDomain(evidence([own("192.0.2.1", 1000)]), new Map(), declaration, OPTS);
    expect(a.verdict.change).toBe('dmarc: { policy: DmarcPolicy.Quarantine, rua: ["mailto:d@example.com"], dkimAlignment: Alignment.Strict, failureOptions: ["1"] }');
    const planned = planMailDomain(applyChange({ domain: "example.com", spf: { all: SpfAll.Fail } }, a.verdict.changeArgs!));
    expect(planned.errors).toEqual([]);
    expect(planned.dmarcRecord).toBe("v=DMARC1; p=quarantine; rua=mailto:d@example.com; adkim=s; fo=1");
  });
});

describe("argument changes", () => {
  test("placeholders show as <name> and are explained; applying fills them, keeps lists free of duplicates and replaces a selector", () => {
    const change = { add: { spfInclude: ["sendgrid.net", "_spf.google.com"], dkim: [{ selector: "s1", cnameTarget: "s1.domainkey.{id}.sendgrid.net" }] }, placeholders: [{ name: "id", what: "the account part", example: "u1.wl1" }] };
    expect(renderChange(change)).toBe('`dkim: [{ selector: "s1", cnameTarget: "s1.domainkey.<id>.sendgrid.net" }]` and `spf.include: ["sendgrid.net", "_spf.google.com"]`, where <id> is the account part');
    const args = applyChange({ domain: "example.com", spf: { include: ["_SPF.google.com"] }, dkim: [{ selector: "s1", publicKey: "x" }, { selector: "s2" }], dmarc: { policy: DmarcPolicy.None } }, change, { id: "u9.wl9" });
    expect(args.spf?.include).toEqual(["_SPF.google.com", "sendgrid.net"]);
    expect(args.dkim).toEqual([{ selector: "s2" }, { selector: "s1", cnameTarget: "s1.domainkey.u9.wl9.sendgrid.net" }]);
  });
});

describe("MTA-STS", () => {
  const tls = (over: Partial<TlsEvidence>): TlsEvidence => ({ domain: "example.com", reports: 20, begin: BEGIN, end: BEGIN + 20 * DAY - 1, sessions: [{ policyType: "sts", successful: 10_000, failed: 0 }], failures: [], publishedMode: "testing", days: 20, ...over });

  test("no policy found: the first step is testing, not enforce", () => {
    const v = adviseTls(tls({ sessions: [{ policyType: "no-policy-found", successful: 500, failed: 0 }], publishedMode: undefined }), undefined, OPTS);
    expect(v).toMatchObject({ next: null, ready: false, current: null });
    expect(v.summary).toMatch(/senders found no policy .*publish one in testing first: `mtaSts: \{ mode: MtaStsMode\.Testing \}`/);
  });

  test("already enforcing: no next step, recent failures are mail that was not delivered", () => {
    const v = adviseTls(tls({ publishedMode: "enforce", failures: [{ policyType: "sts", resultType: "starttls-not-supported", receivingMx: "mx2.example.com", count: 5, lastSeen: BEGIN + 19 * DAY }] }), undefined, OPTS);
    expect(v).toMatchObject({ current: "enforce", next: null, change: null });
    expect(v.summary).toMatch(/MTA-STS already enforces .*5 sessions failed recently and were not delivered \(first: mx2\.example\.com does not offer STARTTLS/);
  });
});
