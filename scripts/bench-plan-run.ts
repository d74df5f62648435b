/** One run of the bench:plan benchmark, in its own process; prints one JSON line. */
import { generateKeyPairSync } from "node:crypto";

const [variant, domainsArg] = process.argv.slice(2);
const DOMAINS = Number(domainsArg);
const ZONE_ID = "0123456789abcdef0123456789abcdef";

async function main(): Promise<void> {
  const t0 = process.hrtime.bigint();
  const pulumi = await import("@pulumi/pulumi");
  const cloudflare = await import("@pulumi/cloudflare");
  const { createMockEngine, installMocks, settle } = await import("../cli/plan/mock-engine");
  const component = variant === "component" ? await import("../components") : undefined;
  const { cloudflareTxtContent } = await import("../components/providers/formats");
  const importMs = Number(process.hrtime.bigint() - t0) / 1e6;

  // One supplied key for every domain: key generation is not what is measured.
  const publicKeyPem = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString();
  const p = publicKeyPem.replace(/-----[^-]+-----|\s/g, "");

  const engine = createMockEngine();
  await installMocks(pulumi, engine, "bench", "bench");
  global.gc?.();
  const rssAfterImport = process.memoryUsage().rss;
  let peak = rssAfterImport;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);

  const t1 = process.hrtime.bigint();
  for (let i = 0; i < DOMAINS; i++) {
    const domain = `d${i}.example.com`;
    if (component) {
      new component.MailDomain(`d${i}`, {
        domain,
        cloudflare: { zoneId: ZONE_ID },
        mx: [
          { host: `mx1.${domain}`, priority: 10 },
          { host: `mx2.${domain}`, priority: 20 },
        ],
        spf: { mx: true, all: component.SpfAll.Fail },
        dkim: [{ selector: "s1", publicKey: publicKeyPem }],
        dmarc: { policy: component.DmarcPolicy.Reject, rua: [`mailto:dmarc@${domain}`] },
      });
    } else {
      const rec = (name: string, args: Record<string, unknown>) => new cloudflare.DnsRecord(`d${i}-${name}`, { zoneId: ZONE_ID, ttl: 3600, ...args } as never);
      rec("mx-1", { name: domain, type: "MX", content: `mx1.${domain}`, priority: 10 });
      rec("mx-2", { name: domain, type: "MX", content: `mx2.${domain}`, priority: 20 });
      rec("spf", { name: domain, type: "TXT", content: cloudflareTxtContent("v=spf1 mx -all") });
      rec("dkim", { name: `s1._domainkey.${domain}`, type: "TXT", content: cloudflareTxtContent(`v=DKIM1; k=rsa; p=${p}`) });
      rec("dmarc", { name: `_dmarc.${domain}`, type: "TXT", content: cloudflareTxtContent(`v=DMARC1; p=reject; rua=mailto:dmarc@${domain}`) });
    }
  }
  await settle(pulumi, engine);
  const programMs = Number(process.hrtime.bigint() - t1) / 1e6;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  const mb = (b: number) => b / 1024 / 1024;
  console.log(JSON.stringify({ variant, importMs, programMs, rssAfterImportMb: mb(rssAfterImport), peakRssMb: mb(peak), resources: engine.resources.filter((r) => r.custom).length }));
}

void main();
