/**
 * Helpers of the `maildomain check` tests: a capturing Io, running `main` in-process, zones for compliant and broken
 * mail domains, plan records turned into served zone data, DKIM keys and signed messages, and a counting DNS proxy.
 */
import { generateKeyPairSync } from "node:crypto";
import { main } from "../../cli/main";
import { captureIo, type CapturedIo } from "../support/io";
import { readProviderRecord } from "../../components/providers/formats";
import { splitTxt } from "../../components/records/txt";
import { forwardTo } from "../support/dns/faults";
import { listen } from "../support/dns/transport";
import type { ZoneRecord } from "../support/dns";
import * as dnsPacket from "dns-packet";

export type Captured = CapturedIo;
export { captureIo };

export interface JsonResult {
  domain: string;
  ok: boolean;
  findings: Array<{ code: string; severity: string; message: string; name?: string; rfc?: string }>;
  verdict?: { outcome: string; smtp?: string; summary: string; reasons: string[]; bulkSender: { ok: boolean; checks: Array<{ check: string; ok: boolean }> } };
}
export interface JsonDoc {
  results: JsonResult[];
  message?: { authenticationResults: string; dkim: Array<{ result: string; comment?: string }>; spf: { result: string }; dmarc: { result: string } };
  dns: { queries: number; answered: number; failed: number; cacheHits: number };
}

/** Run `maildomain check ...args --json` in-process; returns the exit code and the parsed document. */
export async function checkJson(args: string[]): Promise<{ code: number; doc: JsonDoc; io: Captured }> {
  const io = captureIo();
  const code = await main(["check", ...args, "--json"], io);
  let doc: JsonDoc;
  try {
    doc = JSON.parse(io.stdoutText);
  } catch {
    throw new Error(`not JSON (exit ${code}):\n${io.stdoutText}\n${io.stderrText}`);
  }
  return { code, doc, io };
}

export const codes = (r: JsonResult, severity?: string): string[] => r.findings.filter((f) => !severity || f.severity === severity).map((f) => f.code);

/** Quoted TXT rdata, split into 255-octet strings. */
export function txt(value: string): string {
  return splitTxt(value).map((s) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(" ");
}

export interface TestKey {
  p: string;
  publicKeyPem: string;
  privateKeyPem: string;
  record: string;
}

export function rsaKey(bits = 2048): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  const p = publicKey.export({ type: "spki", format: "der" }).toString("base64");
  return { p, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(), privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), record: `v=DKIM1; k=rsa; p=${p}` };
}

/**
 * A compliant mail domain: MX with an address, SPF with one include, a DKIM key, DMARC p=reject, TLS-RPT. No MTA-STS:
 * its check fetches the policy and probes the MX over the network, which these documentation addresses must not
 * see (test/cli/check-mta-sts.test.ts serves MTA-STS on loopback).
 */
export function compliantRecords(domain: string, key: TestKey, opts: { selector?: string; include?: string; ip?: string } = {}): ZoneRecord[] {
  const selector = opts.selector ?? "s2026";
  const include = opts.include ? ` include:${opts.include}` : "";
  return [
    { name: domain, type: "MX", value: `10 mx1.${domain}.` },
    { name: `mx1.${domain}`, type: "A", value: "192.0.2.10" },
    { name: `mx1.${domain}`, type: "AAAA", value: "2001:db8::10" },
    { name: domain, type: "TXT", value: txt(`v=spf1 mx ip4:${opts.ip ?? "192.0.2.25"}${include} -all`) },
    { name: domain, type: "TXT", value: txt("google-site-verification=abc123") },
    { name: `${selector}._domainkey.${domain}`, type: "TXT", value: txt(key.record) },
    { name: `_dmarc.${domain}`, type: "TXT", value: txt(`v=DMARC1; p=reject; rua=mailto:dmarc@${domain}`) },
    { name: `_smtp._tls.${domain}`, type: "TXT", value: txt(`v=TLSRPTv1; rua=mailto:tls@${domain}`) },
  ];
}

/** The DNS records of a `maildomain plan --json` document as zone records (what `pulumi up` would publish). */
export function zoneRecordsFromPlan(resources: Array<{ type: string; inputs: Record<string, unknown> }>): ZoneRecord[] {
  const out: ZoneRecord[] = [];
  for (const r of resources) {
    const rec = readProviderRecord(r.type, r.inputs);
    if (!rec) continue;
    for (const v of rec.values) {
      if (rec.type === "TXT") out.push({ name: rec.name, type: "TXT", value: txt(v) });
      else if (rec.type === "MX" || rec.type === "CNAME" || rec.type === "A" || rec.type === "AAAA") out.push({ name: rec.name, type: rec.type, value: v });
    }
  }
  return out;
}

/** A plain message from `from`, optionally DKIM-signed by mailauth with `key` as `selector`. */
export async function message(from: string, opts: { key?: TestKey; selector?: string; domain?: string; listUnsubscribe?: boolean } = {}): Promise<Buffer> {
  const body = [
    `From: Sales <${from}>`,
    "To: customer@gmail.com",
    "Subject: Quarterly report",
    "Date: Mon, 05 Jan 2026 10:00:00 +0000",
    `Message-ID: <q1-2026@${from.split("@")[1]}>`,
    ...(opts.listUnsubscribe ? [`List-Unsubscribe: <mailto:unsub@${from.split("@")[1]}>`] : []),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Hello, the report is attached.",
    "",
  ].join("\r\n");
  if (!opts.key) return Buffer.from(body);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { dkimSign } = require("mailauth") as { dkimSign: (m: string, o: unknown) => Promise<{ signatures: string; errors: unknown[] }> };
  // mailauth 4.x reads only signatureData (top-level signingDomain/selector/privateKey are ignored).
  const signed = await dkimSign(body, { signatureData: [{ signingDomain: opts.domain ?? from.split("@")[1], selector: opts.selector ?? "s2026", privateKey: opts.key.privateKeyPem }] });
  if (!signed.signatures) throw new Error(`dkimSign made no signature: ${JSON.stringify(signed.errors)}`);
  return Buffer.from(signed.signatures + body);
}

/** A DNS proxy in front of `upstream` that counts the questions it sees (per "TYPE name", per transport). */
export async function countingProxy(upstream: string): Promise<{ address: string; counts: Map<string, number>; stop: () => Promise<void> }> {
  const counts = new Map<string, number>();
  const forward = forwardTo(upstream);
  const l = await listen((query, transport) => {
    try {
      const q = dnsPacket.decode(query).questions?.[0];
      if (q && transport === "udp") {
        const key = `${q.type} ${q.name.toLowerCase()}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    } catch {
      /* not ours to judge */
    }
    return forward(query, transport);
  });
  return { address: `127.0.0.1:${l.port}`, counts, stop: () => l.close() };
}
