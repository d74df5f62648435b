/**
 * The stack program: one `MailDomain` per entry of the stack config `domains` (a list of
 * `MailDomainArgs` in YAML, enum values as their strings, e.g. `all: "-all"`, `policy: reject`).
 *
 *   pulumi config set --path 'domains[0].domain' example.com   # or edit Pulumi.<stack>.yaml
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { MailDomain, MailDomainArgs } from "./components";
import { stackDomains } from "./components/stack-config";

const entries: MailDomainArgs[] = stackDomains(new pulumi.Config().getObject<unknown>("domains"));

/** Per domain: its records, SPF, DMARC and DKIM selectors (private keys stay in the component, secret). */
export const domains = Object.fromEntries(
  entries.map((args) => {
    const mail = new MailDomain(componentNameFor(args.domain), args);
    return [args.domain, { zoneId: mail.zoneId, records: mail.records, spf: mail.spfRecord, dmarc: mail.dmarcRecord, dkim: mail.dkim, mtaStsPolicy: mail.mtaStsPolicy }];
  }),
);

/** Component names derive from the domain, never from the list position: reordering replaces nothing. */
function componentNameFor(domain: string): string {
  return domain.toLowerCase().replace(/\.$/, "").replace(/[^a-z0-9-]+/g, "-");
}
