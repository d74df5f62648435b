/** The adapter of the chosen DNS manager (the choice itself is `zone-choice.ts`, pure). */
import * as pulumi from "@pulumi/pulumi";
import { MailDomainArgs } from "../args";
import { cloudflareAdapter } from "./cloudflare";
import { route53Adapter } from "./route53";
import { DnsAdapter } from "./types";
import { ZoneChoice } from "./zone-choice";

export function createAdapter(args: MailDomainArgs, zone: ZoneChoice, parent: pulumi.Resource): DnsAdapter {
  return zone.kind === "cloudflare"
    ? cloudflareAdapter(args.cloudflare ?? {}, zone.zoneName, parent)
    : route53Adapter(args.route53 ?? {}, zone.zoneName, parent);
}
