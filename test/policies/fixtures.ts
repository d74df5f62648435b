/**
 * Fixtures of the policy tests: a compliant baseline domain per DNS manager, written as plain
 * provider resources (as a hand-written program would declare them), and one-change helpers.
 */
import { cloudflareTxtContent, route53MxValue, route53TxtValue } from "../../components/providers/formats";
import { PolicyResourceInput, PolicyRunResult, runPolicies, RunPoliciesOptions } from "../../policies/harness";

export const CLOUDFLARE = "cloudflare:index/dnsRecord:DnsRecord";
export const CLOUDFLARE_LEGACY = "cloudflare:index/record:Record";
export const ROUTE53 = "aws:route53/record:Record";
export const TLS_KEY = "tls:index/privateKey:PrivateKey";
export const PROJECT = "mail";
export const CF_ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
export const R53_ZONE = "Z1D633PJN98FT9";

export type Manager = "cloudflare" | "route53";
export const MANAGERS: readonly Manager[] = ["cloudflare", "route53"];

/**
 * DKIM `p=` values of several sizes (SubjectPublicKeyInfo, base64; Ed25519 raw), generated once
 * with node:crypto and kept here so that no test spends time generating keys.
 */
export const keys = {
  rsa2048: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsg8dUcZxWFdwHOGf67jnucOfhh7CwRjz8uwIrIkmnZv1Nv+JTB9tlYfvjfgjCIWxMZnFmVdWo4gWcKGdB2Ln9R4XTIgtmXWwfoB2gRcy0GNE8zlC6DmBPm/xXtAqazti7TOPAH6bguZCmEgTEY7fY2GD7+OnwoUl3OLm7cjd0r4DBIOXIyXyd9dWL68vmbXHS3hOCZ0rxzYMCl/KtTvGOW1rKTilj2EhUX0/PbVueAXBSjPCUIM7ppG016c4H9DrUU0fdyIArFcnHv88mPu/Lo7o1SVT0shvwDze5meT0QUsBYtrayD48Ody97fOwa05c7+pu2yBDi56eG6iSvhb2wIDAQAB",
  rsa1024: "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDFyEZ1GddD2cUawZSqKeUSZcRs4i+xt7qURqszyMPlly6ghrbQrJrI2P0ZcGg533RmAo0g8yeLNYzYzducxhZ2L2h+pyPJrE8NndPx9CmVeLtAUzrJpjA0I24K4lwppqygFllXkqK5xUPU4shSocdgGPBScgIhFL3JMdTr0nGh0wIDAQAB",
  rsa512: "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAOj5ju0PWx7mqIrzFIZAGy5QH0LyHkrO8/TmKweydv+u4w7ifbFOUKfVicVItg1YkudgqHLtxCOs/+X76ORGgM8CAwEAAQ==",
  ed25519: "+0gkrWH4l/atPw4zLC69jKtqJPxYJwkA6B0Nqjf7vf4=",
};

export function urnOf(stack: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;
}

/** One record set, the way a test declares it: TXT values logical (unsplit), MX as `10 host`. */
export interface RecordSpec {
  name: string;
  type: "TXT" | "MX" | "CNAME" | "A";
  values: string[];
}

export const DOMAIN = "example.com";

/** The compliant baseline: every record a production mail domain should have. */
export function baselineSpecs(domain = DOMAIN): RecordSpec[] {
  return [
    { name: domain, type: "MX", values: [`10 mx1.${domain}`, `20 mx2.${domain}`] },
    { name: domain, type: "TXT", values: ["v=spf1 mx ip4:192.0.2.25 include:_spf.example.net -all", "google-site-verification=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"] },
    { name: `_dmarc.${domain}`, type: "TXT", values: [`v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc@${domain}`] },
    { name: `s2026._domainkey.${domain}`, type: "TXT", values: [`v=DKIM1; k=rsa; p=${keys.rsa2048}`] },
    { name: `ed2026._domainkey.${domain}`, type: "TXT", values: [`v=DKIM1; k=ed25519; p=${keys.ed25519}`] },
    { name: `_mta-sts.${domain}`, type: "TXT", values: ["v=STSv1; id=20260101T000000"] },
    { name: `_smtp._tls.${domain}`, type: "TXT", values: [`v=TLSRPTv1; rua=mailto:tls@${domain}`] },
    { name: `www.${domain}`, type: "A", values: ["192.0.2.80"] },
  ];
}

function slug(s: string): string {
  return s.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "").toLowerCase();
}

export interface ResourceOptions {
  stack?: string;
  /** Resource name; default derived from the record. */
  resourceName?: string;
  zoneId?: string;
  /** Extra or replacing inputs. */
  inputs?: Record<string, unknown>;
}

/** Cloudflare: one DnsRecord per value, TXT content quoted and split as the provider wants. */
export function cloudflareResources(spec: RecordSpec, opts: ResourceOptions = {}): PolicyResourceInput[] {
  const stack = opts.stack ?? "prod";
  return spec.values.map((value, i) => {
    const name = opts.resourceName ? (spec.values.length > 1 ? `${opts.resourceName}-${i}` : opts.resourceName) : `cf-${slug(spec.name)}-${spec.type.toLowerCase()}-${i}`;
    let inputs: Record<string, unknown>;
    if (spec.type === "MX") {
      const [priority, host] = value.split(" ");
      inputs = { zoneId: opts.zoneId ?? CF_ZONE, name: spec.name, type: "MX", ttl: 1, content: host, priority: Number(priority) };
    } else {
      inputs = { zoneId: opts.zoneId ?? CF_ZONE, name: spec.name, type: spec.type, ttl: 1, content: spec.type === "TXT" ? cloudflareTxtContent(value) : value };
    }
    return { type: CLOUDFLARE, name, urn: urnOf(stack, CLOUDFLARE, name), inputs: { ...inputs, ...(opts.inputs ?? {}) } };
  });
}

/** Route 53: one Record per name and type with every value; long TXT strings joined by `""`. */
export function route53Resources(spec: RecordSpec, opts: ResourceOptions = {}): PolicyResourceInput[] {
  const stack = opts.stack ?? "prod";
  const name = opts.resourceName ?? `r53-${slug(spec.name)}-${spec.type.toLowerCase()}`;
  const records = spec.values.map((v) => {
    if (spec.type === "TXT") return route53TxtValue(v);
    if (spec.type === "MX") {
      const [priority, host] = v.split(" ");
      return route53MxValue(Number(priority), host);
    }
    return v;
  });
  const inputs = { zoneId: opts.zoneId ?? R53_ZONE, name: spec.name, type: spec.type, ttl: 300, records, allowOverwrite: false };
  return [{ type: ROUTE53, name, urn: urnOf(stack, ROUTE53, name), inputs: { ...inputs, ...(opts.inputs ?? {}) } }];
}

export function resourcesFor(manager: Manager, spec: RecordSpec, opts: ResourceOptions = {}): PolicyResourceInput[] {
  return manager === "cloudflare" ? cloudflareResources(spec, opts) : route53Resources(spec, opts);
}

/** The baseline, with the record set at (name, type) replaced by `change` (or removed when values is empty). */
export function domainWith(manager: Manager, change?: RecordSpec, opts: { stack?: string; domain?: string } = {}): PolicyResourceInput[] {
  const specs = baselineSpecs(opts.domain);
  if (change) {
    const at = specs.findIndex((s) => s.name === change.name && s.type === change.type);
    if (at >= 0) specs.splice(at, 1, change);
    else specs.push(change);
  }
  return specs.filter((s) => s.values.length > 0).flatMap((s) => resourcesFor(manager, s, { stack: opts.stack }));
}

export async function run(resources: readonly PolicyResourceInput[], options: RunPoliciesOptions = {}): Promise<PolicyRunResult> {
  return runPolicies(resources, { stack: "prod", project: PROJECT, ...options });
}

export function violationsOf(result: PolicyRunResult, policy: string) {
  return result.violations.filter((v) => v.policy === policy);
}

export function notApplicableOf(result: PolicyRunResult, policy: string) {
  return result.notApplicable.filter((v) => v.policy === policy);
}
