/** Arguments shared by the component tests: a complete, compliant mail domain. */
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { Alignment, DkimAlgorithm, DmarcPolicy, MailDomain, MailDomainArgs, MailDomainArgsError, MtaStsMode, SpfAll } from "../../components";
import { runProgram } from "../support/pulumi";
import { DNS_RECORD_TYPES } from "../../components/providers/formats";

export const CLOUDFLARE_DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord";
export const ROUTE53_RECORD = "aws:route53/record:Record";
export const TLS_PRIVATE_KEY = "tls:index/privateKey:PrivateKey";
export const MAIL_DOMAIN = "maildomain:index:MailDomain";
export { DNS_RECORD_TYPES };

/** An existing server's key (as a hosting panel would show it): made once per test file. */
export const panelKey = (() => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    p: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
})();

export function fullArgs(dns: Pick<MailDomainArgs, "cloudflare" | "route53">): MailDomainArgs {
  return {
    domain: "example.com",
    ...dns,
    mx: [
      { host: "mx1.example.com", priority: 10 },
      { host: "mx2.example.com", priority: 20 },
    ],
    spf: { mx: true, ip4: ["192.0.2.25"], include: ["_spf.example.net"], all: SpfAll.Fail },
    dkim: [
      { selector: "s2026", algorithm: DkimAlgorithm.Rsa2048 },
      { selector: "ed2026", algorithm: DkimAlgorithm.Ed25519 },
      { selector: "panel", publicKey: panelKey.publicKeyPem },
      { selector: "esp", cnameTarget: "esp.dkim.example.net" },
    ],
    dmarc: { policy: DmarcPolicy.Reject, subdomainPolicy: DmarcPolicy.Reject, rua: ["mailto:dmarc@example.com"], dkimAlignment: Alignment.Relaxed },
    mtaSts: { mode: MtaStsMode.Enforce },
    tlsRpt: { rua: ["mailto:tls@example.com"] },
    bimi: { logoUrl: "https://example.com/logo.svg", authorityUrl: "https://example.com/vmc.pem" },
    extraTxt: ["google-site-verification=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"],
  };
}

/** The DKIM `p=` of a PEM public key, computed independently of the code under test. */
export function pOf(publicKeyPem: string): string {
  const key = createPublicKey(publicKeyPem);
  const der = key.export({ type: "spki", format: "der" });
  return key.asymmetricKeyType === "ed25519" ? der.subarray(12).toString("base64") : der.toString("base64");
}

/**
 * Construct a MailDomain that must be refused: asserts a MailDomainArgsError naming `field` and that nothing was
 * registered, and returns the error for further checks.
 */
export async function expectRefused(args: MailDomainArgs, field: string): Promise<MailDomainArgsError> {
  let thrown: unknown;
  const run = await runProgram(() => {
    try {
      new MailDomain("bad", args);
    } catch (e) {
      thrown = e;
    }
  });
  expect(thrown).toBeInstanceOf(MailDomainArgsError);
  const error = thrown as MailDomainArgsError;
  expect(error.diagnostics.map((d) => d.field)).toContain(field);
  expect(run.engine.resources).toEqual([]);
  return error;
}
