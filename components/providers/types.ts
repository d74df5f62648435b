/**
 * What a DNS adapter receives: record sets already rendered and validated by the core, one per
 * (name, type), each value carrying a stable id derived from its meaning. Provider quirks
 * (Cloudflare's quoting and `ttl: 1`, Route 53's `""` splitting and one set per name and type)
 * live only in the adapters.
 */
import * as pulumi from "@pulumi/pulumi";

export type RecordType = "MX" | "TXT" | "CNAME";

export interface RecordValueInput {
  /** Stable id from the value's meaning (`spf`, `mx-smtp-google-com`), used in child names. */
  id: string;
  /**
   * TXT: the whole logical value (never split, never quoted); MX: the exchange host (`.` for a
   * null MX); CNAME: the target host. Names are normalized and carry no trailing dot.
   */
  content: pulumi.Input<string>;
  /** MX preference. */
  priority?: number;
}

export interface RecordSetInput {
  /** Stable id from the set's meaning (`mx`, `txt`, `dmarc`, `dkim-s2026`), used in child names. */
  id: string;
  /** Absolute owner name, normalized, without trailing dot (an Output for names known later, such as SES DKIM tokens). */
  name: pulumi.Input<string>;
  type: RecordType;
  ttl: number;
  /** Short human note stored with the record where the provider supports it. */
  comment: string;
  values: RecordValueInput[];
  /** Resources that must exist first (the served MTA-STS policy before the `_mta-sts` id that announces it). */
  dependsOn?: pulumi.Resource[];
}

export interface AdapterContext {
  /** The component's own name: child names are `${baseName}-${id}`. */
  baseName: string;
  parent: pulumi.Resource;
}

/** One adapter per DNS manager. */
export interface DnsAdapter {
  readonly kind: "cloudflare" | "route53";
  /** The zone id: as given, or looked up once per program run when only a zone name was given. */
  readonly zoneId: pulumi.Input<string>;
  /** Register one provider resource per value (Cloudflare) or per set (Route 53). */
  createRecords(sets: readonly RecordSetInput[], ctx: AdapterContext): pulumi.CustomResource[];
}
