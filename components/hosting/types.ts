/** What a hosting adapter receives and returns. */
import * as pulumi from "@pulumi/pulumi";

export interface HostingContext {
  /** The component's name: child names are `${baseName}-mta-sts-…`. */
  baseName: string;
  /** The mail domain. */
  domain: string;
  /** `mta-sts.<domain>`. */
  policyHost: string;
  /** The policy file to serve (CRLF lines). */
  policyText: string;
  /** The DNS zone the domain is published in. */
  zoneId: pulumi.Input<string>;
  ttl: number;
  parent: pulumi.Resource;
}

export interface HostedPolicy {
  /**
   * The resources that must exist before senders may learn of a new policy: the `_mta-sts` TXT record depends on
   * them, so a changed id is published only once the changed file is served (RFC 8461 §8.1: update the policy
   * first, then the id; the other order lets senders cache the old file under the new id).
   */
  servedBy: pulumi.Resource[];
}
