/**
 * One record where receivers accept only one, across resources and across DNS managers:
 * two SPF records or two DMARC records on one name, MX beside a null MX, and (Route 53) two
 * resources for one record set. Within one resource these are the resource policies'
 * (`spf-valid-syntax`, `dmarc-valid-syntax`, `mx-valid`); here the values come from several.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { checkDmarcRecordSet, isDmarcRecord } from "../../components/records/dmarc";
import { MxRecord, parseMx, validateMxSet } from "../../components/records/mx";
import { checkSpfRecordSet, isSpfRecord } from "../../components/records/spf";
import { formatFinding } from "../define";
import { describeResource, displayOwner, DnsRecordView, isDmarcName, MANAGER_NAMES, ownerKey } from "../records";
import { groupByOwner, SourcedValue, valuesOf } from "./domains";
import { StackCheck, stackPolicy } from "./common";

function resourcesIn(values: readonly { view: DnsRecordView }[]): DnsRecordView[] {
  return [...new Map(values.map((v) => [v.view.urn, v.view])).values()];
}

function sourceList(values: readonly SourcedValue[]): string {
  return values.map((v) => `${describeResource(v.view)}: "${v.value.length > 60 ? `${v.value.slice(0, 57)}…` : v.value}"`).join("; ");
}

function acrossManagers(views: readonly DnsRecordView[]): string {
  const managers = [...new Set(views.map((v) => v.manager))];
  if (managers.length < 2) return "";
  return ` The records are in ${managers.map((m) => MANAGER_NAMES[m]).join(" and ")}: only the DNS manager the domain is delegated to serves its record, so the other one is dead, and during a migration resolvers see either.`;
}

/** Shared logic: values at one name of which receivers accept a single one. */
function checkSingle(
  ctx: StackCheck<object>,
  opts: { types: string[]; name?: (rawName: string) => boolean; keep: (value: string) => boolean; diagnose: (values: string[]) => { message: string; rfc: string } | undefined },
): void {
  const { groups, ownerless } = groupByOwner(ctx.records, opts.types);
  let anyMatch = false;
  for (const g of groups.values()) {
    if (opts.name && !opts.name(g.owner.name)) continue;
    const values = valuesOf(g.records, opts.keep);
    if (values.length) anyMatch = true;
    const resources = resourcesIn(values);
    if (resources.length >= 2) {
      const d = opts.diagnose(values.map((v) => v.value));
      if (d) ctx.report(`${formatFinding(displayOwner(g.owner), d)} They come from ${resources.length} resources: ${sourceList(values)}.${acrossManagers(resources)}`, resources[resources.length - 1].urn);
    } else if (values.length >= 1) {
      // One record known: another resource at this name whose values are unknown could be a second.
      const pending = g.records.find((v) => v.valuesUnknown && !resources.includes(v));
      if (pending?.unknown) ctx.undetermined(pending.unknown);
    }
  }
  const pending = ownerless.find((v) => v.unknown);
  if (anyMatch && pending?.unknown) ctx.undetermined(pending.unknown);
}

export const spfSingleRecord: StackValidationPolicy = stackPolicy({
  name: "spf-single-record",
  description: "A name must have one SPF record, across resources and DNS managers: with two, receivers return a permanent error and apply none (RFC 7208 §4.5).",
  enforcementLevel: "mandatory",
  severity: "high",
  applies: "always",
  remediationSteps: "Merge the SPF records of the name into one v=spf1 record, declared in one place.",
  check: (ctx) =>
    checkSingle(ctx, {
      types: ["TXT"],
      keep: isSpfRecord,
      diagnose: (values) => checkSpfRecordSet(values).find((d) => d.code === "spf.multiple-records"),
    }),
});

export const dmarcSingleRecord: StackValidationPolicy = stackPolicy({
  name: "dmarc-single-record",
  description: "A _dmarc name must have one DMARC record, across resources and DNS managers: with two, receivers apply no DMARC at all (RFC 7489 §6.6.3).",
  enforcementLevel: "mandatory",
  severity: "high",
  applies: "always",
  remediationSteps: "Keep a single v=DMARC1 record at the name and delete the others.",
  check: (ctx) =>
    checkSingle(ctx, {
      types: ["TXT"],
      name: (name) => isDmarcName(name),
      keep: isDmarcRecord,
      diagnose: (values) => checkDmarcRecordSet(values).diagnostics.find((d) => d.code === "dmarc.multiple-records"),
    }),
});

export const mxNullMxAlone: StackValidationPolicy = stackPolicy({
  name: "mx-null-mx-alone",
  description: 'A null MX ("0 .", the domain accepts no mail) must be the only MX record of its name, across resources and DNS managers (RFC 7505 §3).',
  enforcementLevel: "mandatory",
  severity: "high",
  applies: "always",
  remediationSteps: "Keep either the null MX or the real MX hosts at the name, not both.",
  check: (ctx) =>
    checkSingle(ctx, {
      types: ["MX"],
      keep: () => true,
      diagnose: (values) => {
        const models = values.map((v) => parseMx(v).model).filter((m): m is MxRecord => m.priority !== undefined && m.exchange !== undefined);
        return validateMxSet(models, "mx").find((d) => d.code === "mx.null-mx-mixed");
      },
    }),
});

export const route53SingleRecordSet: StackValidationPolicy = stackPolicy({
  name: "route53-single-record-set",
  description: "Route 53 holds one record set per zone, name and type: two aws.route53.Record resources for one set fail with \"already exists\" or, with allowOverwrite, replace each other's values on every update.",
  enforcementLevel: "mandatory",
  severity: "high",
  applies: "always",
  remediationSteps: "Declare one aws.route53.Record per name and type with every value in its records list (an SPF record and verification tokens share the apex TXT set).",
  check: (ctx) => {
    const sets = new Map<string, DnsRecordView[]>();
    for (const v of ctx.records.records) {
      if (v.manager !== "route53" || !v.zoneId || !v.owner || !v.type) continue;
      const key = [v.zoneId, ownerKey(v.owner), v.type, v.setIdentifier ?? ""].join("\u0000");
      sets.set(key, [...(sets.get(key) ?? []), v]);
    }
    for (const views of sets.values()) {
      if (views.length < 2) continue;
      const owner = views[0].owner;
      if (!owner) continue;
      ctx.report(
        `${views[0].type} ${displayOwner(owner)} in hosted zone ${views[0].zoneId} is declared by ${views.length} resources (${views.map((v) => `"${v.resource.name}"`).join(", ")}): Route 53 keeps one record set per name and type, so they overwrite each other or fail to create. Put every value in one aws.route53.Record.`,
        views[views.length - 1].urn,
      );
    }
  },
});

export const singleRecordPolicies: readonly StackValidationPolicy[] = [spfSingleRecord, dmarcSingleRecord, mxNullMxAlone, route53SingleRecordSet];
