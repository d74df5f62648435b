/**
 * `MailDomain`: one declaration gives a domain correct MX, SPF, DKIM and DMARC (plus MTA-STS,
 * TLS-RPT and BIMI) on Cloudflare or Route 53.
 *
 * args → planner (pure core: validated record sets) → DKIM keys (@pulumi/tls) → MTA-STS policy hosting → DNS adapter.
 * Bad arguments throw one `MailDomainArgsError` before anything is registered; risky but valid
 * settings are logged as warnings and left to the policy pack.
 */
import * as pulumi from "@pulumi/pulumi";
import { MailDomainArgs } from "./args";
import { DkimSigningConfig, GeneratedKey, generateKey, signingConfig } from "./dkim/generated-keys";
import { MailDomainArgsError } from "./errors";
import { hostingKind, hostMtaStsPolicy, HostedPolicy } from "./hosting";
import { mtaStsExternalNote } from "./plan/plan";
import { MailPlan, PlannedRecordSet } from "./plan/model";
import { describeDiagnostic } from "./records/diagnostics";
import { fqdn, ownerNames } from "./records/names";
import { preflight } from "./preflight";
import { createAdapter } from "./providers/select";
import { ZoneChoice } from "./providers/zone-choice";
import { RecordSetInput } from "./providers/types";
import { requireProviderPackage } from "./providers/packages";
import { sesIdentityRecords } from "./providers/ses-identity";

/** One record set the component manages, in presentation form. */
export interface MailRecord {
  /** Absolute owner name without trailing dot. */
  name: string;
  /** `MX`, `TXT` or `CNAME`. */
  type: string;
  ttl: number;
  /** TXT: the whole value (unsplit, unquoted); MX: `10 mx.example.com.`; CNAME: `target.example.net.` */
  values: string[];
}

/** The DKIM record of one selector. */
export interface DkimSelectorRecord {
  /** `<selector>._domainkey.<domain>` */
  name: string;
  /** `TXT`, or `CNAME` for a delegated selector. */
  type: string;
  value: string;
}

export class MailDomain extends pulumi.ComponentResource {
  /** The zone the records are published in. */
  public readonly zoneId!: pulumi.Output<string>;
  /** Every record the component manages, in canonical order. */
  public readonly records!: pulumi.Output<MailRecord[]>;
  /** The SPF record of the mail domain. */
  public readonly spfRecord!: pulumi.Output<string | undefined>;
  /** The DMARC record. */
  public readonly dmarcRecord!: pulumi.Output<string | undefined>;
  /** The MTA-STS policy file to serve at https://mta-sts.<domain>/.well-known/mta-sts.txt. */
  public readonly mtaStsPolicy!: pulumi.Output<string | undefined>;
  /** Where senders fetch the policy (https://mta-sts.<domain>/.well-known/mta-sts.txt), whoever serves it. */
  public readonly mtaStsPolicyUrl!: pulumi.Output<string | undefined>;
  /** Per selector: the DKIM record name, type and value. */
  public readonly dkim!: pulumi.Output<Record<string, DkimSelectorRecord>>;
  /** Per generated selector: the private key PEM (secret). */
  public readonly dkimPrivateKeys!: pulumi.Output<Record<string, string>>;
  /** Per generated selector: signing configuration for Exim, Postfix with OpenDKIM, and rspamd (secret). */
  public readonly signingConfigs!: pulumi.Output<Record<string, DkimSigningConfig>>;

  constructor(name: string, args: MailDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate everything before registering anything: bad input creates nothing.
    const { plan, zone } = planOrThrow(name, args);
    super("maildomain:index:MailDomain", name, {}, opts);

    const hostedBy = plan.mtaStsPolicy !== undefined ? hostingKind(args.mtaSts?.hosting) : undefined;
    const policyUrl = plan.mtaStsPolicy !== undefined ? `https://${ownerNames.mtaStsPolicyHost(plan.domain)}/.well-known/mta-sts.txt` : undefined;
    // The log level is the one severity that applies: the component warns about what it accepts
    // (a core "error" such as +all included: refusing it is the policy pack's decision).
    for (const w of plan.warnings) pulumi.log.warn(describeDiagnostic(w), this);
    for (const n of plan.notes) if (hostedBy === "external" || n !== mtaStsExternalNote(plan.domain)) pulumi.log.info(n, this);
    if (hostedBy === "cloudflare") pulumi.log.info(`${plan.domain}: the MTA-STS policy is served at ${policyUrl} by a Cloudflare Worker on a custom domain (Cloudflare creates its DNS record and certificate). Run maildomain check ${plan.domain} before switching to enforce.`, this);
    if (hostedBy === "aws") pulumi.log.info(`${plan.domain}: the MTA-STS policy is served at ${policyUrl} from S3 through CloudFront, with an ACM certificate validated in the zone (the first deployment waits for validation, typically minutes). Run maildomain check ${plan.domain} before switching to enforce.`, this);

    const adapter = createAdapter(args, zone, this);
    const keys = new Map<string, GeneratedKey>(plan.generatedKeys.map((spec) => [spec.selector, generateKey(name, spec, this)]));
    const hosted: HostedPolicy | undefined =
      plan.mtaStsPolicy !== undefined
        ? hostMtaStsPolicy(args.mtaSts?.hosting, {
            baseName: name,
            domain: plan.domain,
            policyHost: ownerNames.mtaStsPolicyHost(plan.domain),
            policyText: plan.mtaStsPolicy,
            zoneId: adapter.zoneId,
            ttl: plan.sets[0]?.ttl ?? 3600,
            parent: this,
          })
        : undefined;
    const sets: RecordSetInput[] = plan.sets.map((s) => ({ ...toRecordSetInput(s, keys), ...(s.purpose === "mta-sts" && hosted ? { dependsOn: hosted.servedBy } : {}) }));
    if (args.amazonSes?.createIdentity) sets.push(...sesIdentityRecords(name, plan.domain, args.amazonSes, plan.sets[0]?.ttl ?? 3600, this));
    adapter.createRecords(sets, { baseName: name, parent: this });

    this.zoneId = pulumi.output(adapter.zoneId);
    this.records = pulumi.output(sets.map(presentRecordSet));
    this.spfRecord = pulumi.output(plan.spfRecord);
    this.dmarcRecord = pulumi.output(plan.dmarcRecord);
    this.mtaStsPolicy = pulumi.output(plan.mtaStsPolicy);
    this.mtaStsPolicyUrl = pulumi.output(policyUrl);
    this.dkim = dkimOutputs(plan, keys);
    this.dkimPrivateKeys = pulumi.secret(
      pulumi.all(Object.fromEntries([...keys].map(([selector, k]) => [selector, k.privateKeyPem]))) as pulumi.Output<Record<string, string>>,
    );
    this.signingConfigs = pulumi.secret(
      Object.fromEntries(plan.generatedKeys.map((spec) => [spec.selector, signingConfig(plan.domain, spec)])),
    ) as pulumi.Output<Record<string, DkimSigningConfig>>;

    this.registerOutputs({
      zoneId: this.zoneId,
      records: this.records,
      spfRecord: this.spfRecord,
      dmarcRecord: this.dmarcRecord,
      mtaStsPolicy: this.mtaStsPolicy,
      mtaStsPolicyUrl: this.mtaStsPolicyUrl,
      dkim: this.dkim,
      dkimPrivateKeys: this.dkimPrivateKeys,
      signingConfigs: this.signingConfigs,
    });
  }
}

function planOrThrow(name: string, args: MailDomainArgs): { plan: MailPlan; zone: ZoneChoice } {
  const { plan, zone, errors } = preflight(args);
  if (errors.length || !zone) throw new MailDomainArgsError(name, errors);
  if (zone.kind === "cloudflare") requireProviderPackage(name, "cloudflare", "records on Cloudflare");
  else requireProviderPackage(name, "route53", "records on Route 53");
  if (args.amazonSes?.createIdentity) requireProviderPackage(name, "sesv2", "an Amazon SES identity (amazonSes.createIdentity)");
  return { plan, zone };
}

function toRecordSetInput(set: PlannedRecordSet, keys: Map<string, GeneratedKey>): RecordSetInput {
  return {
    id: set.id,
    name: set.name,
    type: set.type,
    ttl: set.ttl,
    comment: set.comment,
    values: set.values.map((v) => ({
      id: v.id,
      content: v.generatedKey ? (keys.get(v.generatedKey.selector) as GeneratedKey).record : v.content,
      priority: v.priority,
    })),
  };
}

/** Presentation form of a set's values, as in a zone file but with TXT values unsplit. */
function presentRecordSet(set: RecordSetInput): pulumi.Input<MailRecord> {
  const present = (name: string, contents: string[]): MailRecord => ({
    name,
    type: set.type,
    ttl: set.ttl,
    values: contents.map((c, i) => {
      if (set.type === "MX") return `${set.values[i].priority} ${c === "." ? "." : fqdn(c)}`;
      if (set.type === "CNAME") return fqdn(c);
      return c;
    }),
  });
  const contents = set.values.map((v) => v.content);
  // Known values stay plain: no Output per record (see providers/inputs.ts).
  if (typeof set.name === "string" && contents.every((c): c is string => typeof c === "string")) return present(set.name, contents);
  return pulumi.all([set.name, pulumi.all(contents)]).apply(([name, values]) => present(name, values));
}

function dkimOutputs(plan: MailPlan, keys: Map<string, GeneratedKey>): pulumi.Output<Record<string, DkimSelectorRecord>> {
  const entries = plan.sets
    .filter((s) => s.purpose === "dkim" && !s.name.startsWith("*."))
    .map((s) => {
      const selector = s.name.slice(0, s.name.indexOf("._domainkey."));
      const v = s.values[0];
      const value: pulumi.Input<string> = v.generatedKey ? (keys.get(v.generatedKey.selector) as GeneratedKey).record : s.type === "CNAME" ? fqdn(v.content) : v.content;
      return [selector, { name: s.name, type: s.type, value }] as const;
    });
  return pulumi.output(Object.fromEntries(entries)) as pulumi.Output<Record<string, DkimSelectorRecord>>;
}
