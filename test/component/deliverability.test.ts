/**
 * Deliverability end to end: sign a message with the private key the component generated, and
 * authenticate it with mailauth (an independent SPF/DKIM/DMARC implementation) against a resolver
 * that answers only from the DNS records the component registered, read back from the provider
 * resources exactly as Cloudflare or Route 53 would serve them.
 */
import { authenticate as mailauthAuthenticate } from "mailauth";
import { dkimSign as mailauthDkimSign } from "mailauth/lib/dkim/sign";
import { DkimAlgorithm, DmarcPolicy, MailDomain, MailDomainArgs, SpfAll } from "../../components";
import { DNS_RECORD_TYPES, readProviderRecord } from "../../components/providers/formats";
import { splitTxt } from "../../components/records/txt";
import { RecordedResource } from "../../cli/plan/mock-engine";
import { runProgram, valueOf } from "../support/pulumi";

const MESSAGE = [
  "From: Sales <sales@example.com>",
  "To: customer@gmail.example",
  "Subject: Quarterly offer",
  "Date: Fri, 27 Nov 2026 10:00:00 +0000",
  "Message-ID: <offer-1@example.com>",
  "MIME-Version: 1.0",
  "Content-Type: text/plain; charset=utf-8",
  "",
  "Hello, this is the offer.",
  "",
].join("\r\n");

const AUTHORIZED_IP = "192.0.2.25";
const FORWARDER_IP = "198.51.100.77"; // not in SPF: only DKIM can authenticate mail relayed from here

function args(dns: Pick<MailDomainArgs, "cloudflare" | "route53">): MailDomainArgs {
  return {
    domain: "example.com",
    ...dns,
    mx: [{ host: "mx1.example.com", priority: 10 }],
    spf: { ip4: [AUTHORIZED_IP], all: SpfAll.Fail },
    dkim: [
      { selector: "s2026", algorithm: DkimAlgorithm.Rsa2048 },
      { selector: "ed2026", algorithm: DkimAlgorithm.Ed25519 },
    ],
    dmarc: { policy: DmarcPolicy.Reject, rua: ["mailto:dmarc@example.com"] },
  };
}

// mailauth 4.x's type declarations describe top-level signingDomain/selector/privateKey, but
// dkimSign reads only signatureData (DESIGN.md's trap) and the resolver may return MX objects:
// these typed views match what the code really does.
interface SignResult {
  signatures: string;
  errors: unknown[];
}
const dkimSign = mailauthDkimSign as unknown as (message: string, opts: { signatureData: { signingDomain: string; selector: string; privateKey: string }[] }) => Promise<SignResult>;
interface AuthResult {
  spf: { status: { result: string } };
  dkim: { results: { status: { result: string } }[] };
  dmarc: { status: { result: string }; policy?: string };
}
const authenticate = mailauthAuthenticate as unknown as (message: string, opts: Record<string, unknown>) => Promise<AuthResult>;

type Answer = string[][] | { exchange: string; priority: number }[] | string[];

/** A mailauth resolver answering only from the registered DNS record resources. */
function resolverFrom(resources: RecordedResource[], leaveOut: (name: string) => boolean = () => false) {
  const zone = new Map<string, Answer>();
  for (const r of resources) {
    if (!(DNS_RECORD_TYPES as readonly string[]).includes(r.type)) continue;
    const rec = readProviderRecord(r.type, r.inputs);
    if (!rec || leaveOut(rec.name)) continue;
    const key = `${rec.name.toLowerCase()}|${rec.type}`;
    const prior = (zone.get(key) ?? []) as unknown[];
    if (rec.type === "TXT") zone.set(key, [...prior, ...(rec.txtStrings ?? rec.values.map((v) => splitTxt(v)))] as string[][]);
    else if (rec.type === "MX") zone.set(key, [...prior, ...rec.values.map((v) => ({ priority: Number(v.split(" ")[0]), exchange: v.split(" ")[1].replace(/\.$/, "") }))] as Answer);
    else zone.set(key, [...prior, ...rec.values.map((v) => v.replace(/\.$/, ""))] as string[]);
  }
  const names = new Set([...zone.keys()].map((k) => k.split("|")[0]));
  return async (name: string, rrtype: string) => {
    const answer = zone.get(`${name.toLowerCase().replace(/\.$/, "")}|${rrtype}`);
    if (answer) return answer;
    const err = new Error(`no ${rrtype} at ${name}`) as Error & { code: string };
    err.code = names.has(name.toLowerCase()) ? "ENODATA" : "ENOTFOUND";
    throw err;
  };
}

async function signWith(selector: string, privateKey: string): Promise<string> {
  const signed = await dkimSign(MESSAGE, { signatureData: [{ signingDomain: "example.com", selector, privateKey }] });
  expect(signed.errors).toEqual([]);
  expect(signed.signatures).toMatch(/^DKIM-Signature:/);
  return signed.signatures + MESSAGE;
}

describe.each([
  ["Cloudflare", { cloudflare: {} }],
  ["Route 53", { route53: {} }],
])("a message signed with the generated key, records on %s", (_name, dns) => {
  let run: Awaited<ReturnType<typeof runProgram<MailDomain>>>;
  let keys: Record<string, string>;
  beforeAll(async () => {
    run = await runProgram(() => new MailDomain("mail", args(dns)));
    keys = await valueOf(run.result.dkimPrivateKeys);
  });

  const check = (message: string, ip: string, resolver = resolverFrom(run.engine.resources)) =>
    authenticate(message, { ip, helo: "mx1.example.com", sender: "bounce@example.com", mta: "mx.gmail.example", resolver, disableArc: true, disableBimi: true });

  test.each(["s2026", "ed2026"])("SPF, DKIM (%s) and DMARC all pass", async (selector) => {
    const result = await check(await signWith(selector, keys[selector]), AUTHORIZED_IP);
    expect(result.spf.status.result).toBe("pass");
    expect(result.dkim.results.map((r) => r.status.result)).toEqual(["pass"]);
    expect(result.dmarc.status.result).toBe("pass");
  });

  test("relayed through a server SPF does not list, DKIM alone keeps DMARC passing", async () => {
    const result = await check(await signWith("s2026", keys.s2026), FORWARDER_IP);
    expect(result.spf.status.result).toBe("fail");
    expect(result.dmarc.status.result).toBe("pass");
  });

  test("without the DKIM record (the key never copied to the DNS manager) DMARC fails: Gmail's 550-5.7.26", async () => {
    const withoutDkim = resolverFrom(run.engine.resources, (name) => name.endsWith("._domainkey.example.com"));
    const result = await check(await signWith("s2026", keys.s2026), FORWARDER_IP, withoutDkim);
    expect(result.dkim.results[0].status.result).not.toBe("pass");
    expect(result.dmarc.status.result).toBe("fail");
    expect(result.dmarc.policy).toBe("reject");
  });
});
