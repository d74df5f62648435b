/**
 * Checking `mtaSts.hosting` before anything is registered: one kind of hosting, the one that fits the DNS manager
 * (a Worker custom domain lives in a Cloudflare zone; the ACM validation and alias records in the Route 53 zone),
 * the values each kind needs, and no unknown or misspelled keys (the shared argument rule, with the schemas of
 * `args.ts`). Pure: values that are Outputs are accepted as given.
 */
import { ObjectArg, unknownKeys as unknownArgs } from "../records/args-schema";
import { Diagnostic, invalid } from "../records/diagnostics";
import { printable } from "../records/names";
import { AWS_MTA_STS_HOSTING_ARGS, AWS_PRICE_CLASSES, CLOUDFLARE_MTA_STS_HOSTING_ARGS, MTA_STS_HOSTING_ARGS, MtaStsHostingArgs } from "./args";
import { defaultWorkerName, WORKER_NAME } from "./names";

const RFC = "RFC 8461 §3.3";

export type HostingKind = "cloudflare" | "aws" | "external";

/** The hosting the arguments choose (external when none is given); call `validateMtaStsHosting` first. */
export function hostingKind(hosting: MtaStsHostingArgs | undefined): HostingKind {
  if (hosting?.cloudflare) return "cloudflare";
  if (hosting?.aws) return "aws";
  return "external";
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const SCHEMAS: Record<string, ObjectArg> = {
  "mtaSts.hosting": MTA_STS_HOSTING_ARGS,
  "mtaSts.hosting.cloudflare": CLOUDFLARE_MTA_STS_HOSTING_ARGS,
  "mtaSts.hosting.aws": AWS_MTA_STS_HOSTING_ARGS,
};

function unknownKeys(value: Record<string, unknown>, path: keyof typeof SCHEMAS): Diagnostic[] {
  return unknownArgs(value, SCHEMAS[path], path);
}

/**
 * `dns` is the DNS manager the domain is published on; `domain` the mail domain (for the default Worker name).
 * Returns errors only: every problem here would fail at apply time or leave the policy unserved.
 */
export function validateMtaStsHosting(hosting: unknown, dns: "cloudflare" | "route53", domain: string): Diagnostic[] {
  const field = "mtaSts.hosting";
  if (hosting === undefined) return [];
  if (!isObject(hosting)) {
    return [invalid("mta-sts.hosting", field, `${field} must be an object: { cloudflare: { accountId } }, { aws: {} } or { external: true }.`, RFC)];
  }
  const out = unknownKeys(hosting, field);
  const chosen = (["cloudflare", "aws", "external"] as const).filter((k) => (k === "external" ? hosting.external === true : hosting[k] !== undefined && hosting[k] !== null));
  if (hosting.external !== undefined && typeof hosting.external !== "boolean") {
    out.push(invalid("mta-sts.hosting", `${field}.external`, `${field}.external must be true or false.`, RFC));
  }
  if (chosen.length === 0 && out.length === 0) {
    out.push(invalid("mta-sts.hosting", field, `${field} chooses no hosting: give cloudflare: { accountId } (a Worker), aws: {} (S3 and CloudFront) or external: true (you serve the file), or leave ${field} out.`, RFC));
  }
  if (chosen.length > 1) {
    out.push(invalid("mta-sts.hosting", field, `${field} gives ${chosen.join(" and ")}: the policy is served from one place (mta-sts.${domain} has one address); keep one.`, RFC));
  }
  if (hosting.cloudflare !== undefined) out.push(...checkCloudflare(hosting.cloudflare, dns, domain));
  if (hosting.aws !== undefined) out.push(...checkAws(hosting.aws, dns));
  return out;
}

function checkCloudflare(value: unknown, dns: string, domain: string): Diagnostic[] {
  const field = "mtaSts.hosting.cloudflare";
  if (!isObject(value)) return [invalid("mta-sts.hosting", field, `${field} must be an object { accountId }.`, RFC)];
  const out = unknownKeys(value, field);
  if (dns !== "cloudflare") {
    out.push(invalid("mta-sts.hosting-dns-mismatch", field, `${field} serves the policy with a Worker on a custom domain, which must be in a Cloudflare zone, but the domain is published on Route 53: use mtaSts.hosting.aws instead (or external: true).`, RFC));
  }
  const id = value.accountId;
  if (id === undefined || id === null || id === "") {
    out.push(invalid("mta-sts.hosting-account-id", `${field}.accountId`, `${field}.accountId is required: Workers belong to an account. Copy the account id from the Cloudflare dashboard (the zone's Overview page, "API" box: 32 hexadecimal digits).`, RFC));
  } else if (typeof id === "string" && !/^[0-9a-f]{32}$/.test(id)) {
    out.push(invalid("mta-sts.hosting-account-id", `${field}.accountId`, `${field}.accountId "${printable(id)}" is not a Cloudflare account id: it is 32 hexadecimal digits in lower case (the zone's Overview page, "API" box). A zone id has the same form; check you copied the account's.`, RFC));
  } else if (typeof id !== "string" && typeof id !== "object") {
    out.push(invalid("mta-sts.hosting-account-id", `${field}.accountId`, `${field}.accountId must be a string of 32 hexadecimal digits.`, RFC));
  }
  if (value.scriptName !== undefined && (typeof value.scriptName !== "string" || !WORKER_NAME.test(value.scriptName))) {
    out.push(invalid("mta-sts.hosting-script-name", `${field}.scriptName`, `${field}.scriptName "${printable(String(value.scriptName))}" is not a Worker name: 1 to 63 lower-case letters, digits, "-" and "_", starting with a letter or digit (the default is ${defaultWorkerName(domain)}).`, "Cloudflare Workers: names"));
  }
  return out;
}

function checkAws(value: unknown, dns: string): Diagnostic[] {
  const field = "mtaSts.hosting.aws";
  if (!isObject(value)) return [invalid("mta-sts.hosting", field, `${field} must be an object (give {} for the defaults).`, RFC)];
  const out = unknownKeys(value, field);
  if (dns !== "route53") {
    out.push(invalid("mta-sts.hosting-dns-mismatch", field, `${field} validates its ACM certificate and publishes its alias records in the domain's Route 53 zone, but the domain is published on Cloudflare: use mtaSts.hosting.cloudflare instead (or external: true).`, RFC));
  }
  const pc = value.priceClass;
  if (pc !== undefined && !(AWS_PRICE_CLASSES as readonly unknown[]).includes(pc)) {
    out.push(invalid("mta-sts.hosting-price-class", `${field}.priceClass`, `${field}.priceClass "${printable(String(pc))}" must be one of ${AWS_PRICE_CLASSES.join(", ")}.`, "Amazon CloudFront: price classes"));
  }
  return out;
}
