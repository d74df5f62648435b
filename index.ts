/**
 * The stack program: one `MailDomain` per entry of the stack config `domains` (a list of
 * `MailDomainArgs` in YAML, enum values as their strings, e.g. `all: "-all"`, `policy: reject`).
 *
 *   pulumi config set --path 'domains[0].domain' example.com   # or edit Pulumi.<stack>.yaml
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { MailDomain } from "./components";
import { stackDomains } from "./components/stack-config";

// Every entry is checked before the first is declared: one bad entry creates nothing at all.
// Component names come from the domain (or the entry's `name:`), never from the list position.
const entries = stackDomains(new pulumi.Config().getObject<unknown>("domains"));

/** Per domain: its records, SPF, DMARC and DKIM selectors (private keys stay in the component, secret). */
export const domains = Object.fromEntries(
  entries.map(({ name, args }) => {
    const mail = new MailDomain(name, args);
    return [args.domain, { zoneId: mail.zoneId, records: mail.records, spf: mail.spfRecord, dmarc: mail.dmarcRecord, dkim: mail.dkim, mtaStsPolicy: mail.mtaStsPolicy }];
  }),
);
