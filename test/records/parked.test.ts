/** The parked-domain pattern (M3AAWG Protecting Parked Domains BCP, 2015): null MX, SPF -all, DMARC p=reject. */
import { DmarcPolicy } from "../../components/records/enums";
import { NULL_MX } from "../../components/records/mx";
import { ParkedEvidence, assessParked, parkedDiagnostics } from "../../components/records/parked";
import { parseSpf } from "../../components/records/spf";

const spf = (text: string) => parseSpf(text).model;
const parked: ParkedEvidence = { mx: [NULL_MX], spf: spf("v=spf1 -all"), dmarc: { p: DmarcPolicy.Reject }, dkimKeys: 0, dkimWildcardRevoked: true };
const partsOf = (e: ParkedEvidence) => Object.fromEntries(assessParked("example.com", e).parts.map((p) => [p.part, p.ok]));

test("the whole pattern is complete and looks parked; only a note is said", () => {
  const a = assessParked("example.com", parked);
  expect(a).toMatchObject({ complete: true, looksParked: true });
  expect(parkedDiagnostics("example.com", a, false).map((d) => [d.code, d.severity])).toEqual([["parked.recognized", "info"]]);
  expect(parkedDiagnostics("example.com", a, true).map((d) => d.code)).toEqual(["parked.recognized"]);
});

test.each([
  ["an MX host", { mx: [{ priority: 10, exchange: "mx.example.com" }] }, "mx", /it has MX hosts \(mx\.example\.com\) and so receives mail/],
  ["no MX at all", { mx: [] }, "mx", /no MX record, so mail to it goes to its A\/AAAA address/],
  ["no SPF", { spf: null }, "spf", /no SPF record: publish "v=spf1 -all"/],
  ["SPF with a sender", { spf: spf("v=spf1 ip4:192.0.2.1 -all") }, "spf", /authorizes senders/],
  ["SPF ~all", { spf: spf("v=spf1 ~all") }, "spf", /ends in "~all"/],
  ["SPF without all", { spf: spf("v=spf1") }, "spf", /ends in no all/],
  ["no DMARC", { dmarc: null }, "dmarc", /no DMARC record: publish TXT _dmarc\.example\.com "v=DMARC1; p=reject"/],
  ["p=quarantine", { dmarc: { p: DmarcPolicy.Quarantine } }, "dmarc", /p=quarantine, so mail claiming it is only junked/],
  ["sp=none", { dmarc: { p: DmarcPolicy.Reject, sp: DmarcPolicy.None } }, "dmarc", /weakens the policy for subdomains \(sp=none\)/],
  ["pct=50", { dmarc: { p: DmarcPolicy.Reject, pct: 50 } }, "dmarc", /only 50% of the mail/],
  ["a usable DKIM key", { dkimKeys: 1 }, "dkim", /publishes 1 usable DKIM key/],
] as const)("%s: that part is missing, with its fix; --parked makes it an error", (_what, change, part, message) => {
  const a = assessParked("example.com", { ...parked, ...change } as ParkedEvidence);
  expect(a.complete).toBe(false);
  expect(a.parts.find((p) => p.part === part)).toMatchObject({ ok: false, required: true, detail: expect.stringMatching(message) });
  const asserted = parkedDiagnostics("example.com", a, true);
  expect(asserted.find((d) => d.code === `parked.${part}`)).toMatchObject({ severity: "error", breaksStandard: true, rfc: expect.stringMatching(/M3AAWG/) });
});

test("it looks parked only when it neither receives (null MX) nor sends (no SPF sender, no DKIM key)", () => {
  expect(assessParked("example.com", { ...parked, dmarc: null }).looksParked).toBe(true);
  expect(assessParked("example.com", { ...parked, spf: spf("v=spf1 ~all") }).looksParked).toBe(true);
  // Receives mail but sends none: an inbound-only domain, not a parked one.
  expect(assessParked("example.com", { ...parked, mx: [{ priority: 10, exchange: "mx.example.com" }] }).looksParked).toBe(false);
  expect(assessParked("example.com", { ...parked, spf: spf("v=spf1 mx -all") }).looksParked).toBe(false);
  expect(assessParked("example.com", { ...parked, spf: null }).looksParked).toBe(false);
  expect(assessParked("example.com", { ...parked, dkimKeys: 2 }).looksParked).toBe(false);
  expect(assessParked("example.com", { ...parked, dkimKeys: undefined }).looksParked).toBe(false);
});

test("looking parked with a part missing: one warning listing the parts, not an error", () => {
  const a = assessParked("example.com", { ...parked, dmarc: { p: DmarcPolicy.None }, spf: spf("v=spf1 ?all") });
  const ds = parkedDiagnostics("example.com", a, false);
  expect(ds.map((d) => [d.code, d.severity])).toEqual([["parked.incomplete", "warning"]]);
  expect(ds[0].message).toMatch(/lacks: its SPF record authorizes nobody but ends in "\?all".*; its DMARC policy is p=none/);
});

test("what could not be looked up is unknown, neither in place nor missing", () => {
  expect(partsOf({ mx: undefined, spf: undefined, dmarc: undefined, dkimKeys: undefined })).toEqual({ mx: undefined, spf: undefined, dmarc: undefined, dkim: undefined, "dkim-wildcard": undefined });
  expect(parkedDiagnostics("example.com", assessParked("example.com", { spf: undefined }), true)).toEqual([]);
});

test("the revoked wildcard DKIM key is recommended: a note when it is missing, never an error", () => {
  const a = assessParked("example.com", { ...parked, dkimWildcardRevoked: false });
  expect(a.complete).toBe(true);
  expect(parkedDiagnostics("example.com", a, true).map((d) => [d.code, d.severity])).toEqual([["parked.dkim-wildcard", "info"], ["parked.recognized", "info"]]);
});
