/**
 * Everything a mail domain is checked for before anything is registered, as one pure function:
 * the planner (the shape of every argument, then every record), the choice of DNS manager and
 * where the MTA-STS policy is served.
 * The component throws its errors; the stack-config reader collects those of every entry first,
 * so that one bad entry creates no other entry's records either.
 */
import type { MailDomainArgs } from "./args";
import { validateMtaStsHosting } from "./hosting/validate";
import { PlanOptions, planMailDomain } from "./plan/plan";
import { MailPlan } from "./plan/model";
import { ZoneChoice, chooseZone } from "./providers/zone-choice";
import { Diagnostic, withFieldPrefix } from "./records/diagnostics";

export interface Preflight {
  plan: MailPlan;
  /** The DNS manager and zone; undefined when the arguments do not say one usable. */
  zone?: ZoneChoice;
  /** Every problem that stops the domain, the zone choice's included. */
  errors: Diagnostic[];
}

export function preflight(args: MailDomainArgs, options: PlanOptions = {}): Preflight {
  const plan = planMailDomain(args, options);
  const prefix = options.fieldPrefix ? `${options.fieldPrefix}.` : "";
  // The zone choice reads the DNS manager arguments and the TTL, the hosting check mtaSts: only
  // once their shape is right (the planner has reported it otherwise).
  const malformed = new Set(
    plan.errors
      .filter((e) => e.code.startsWith("args."))
      .map((e) => (e.field.startsWith(prefix) ? e.field.slice(prefix.length) : e.field === options.fieldPrefix ? "" : e.field).split(/[.[]/)[0]),
  );
  if (["", "domain", "ttl", "cloudflare", "route53"].some((k) => malformed.has(k))) return { plan, errors: plan.errors };
  const chosen = chooseZone(args, plan.domain);
  const hosting = args.mtaSts && chosen.zone && !malformed.has("mtaSts") ? validateMtaStsHosting(args.mtaSts.hosting, chosen.zone.kind, plan.domain) : [];
  const own = [...chosen.diagnostics, ...hosting];
  return { plan, zone: chosen.zone, errors: [...(options.fieldPrefix ? withFieldPrefix(options.fieldPrefix, own) : own), ...plan.errors] };
}
