/**
 * Recognizing a mail provider in imported records, only to tell the user that a preset would
 * publish the same records. The imported args are never rewritten into presets: the user decides.
 *
 * The providers' records come from the presets themselves (components/presets/), called with
 * placeholder tenant values, so this module holds no provider data of its own.
 */
import { MailRecordsArgs } from "../../components/plan/args";
import { MailgunRegion, ZohoRegion } from "../../components/presets/args";
import { amazonSes, sesDkimCname } from "../../components/presets/amazon-ses";
import { fastmail } from "../../components/presets/fastmail";
import { googleWorkspace } from "../../components/presets/google-workspace";
import { mailgun } from "../../components/presets/mailgun";
import { microsoft365 } from "../../components/presets/microsoft-365";
import { protonMail } from "../../components/presets/proton-mail";
import { PresetContribution } from "../../components/presets/types";
import { zohoMail } from "../../components/presets/zoho-mail";

interface Candidate {
  /** The args field of the preset, e.g. `googleWorkspace`. */
  field: string;
  contribution: PresetContribution;
  /** What to set besides the field, when matched, e.g. `legacyMx: true`. */
  hint?: string;
}

function candidates(domain: string): Candidate[] {
  const safe = (f: () => PresetContribution): PresetContribution | undefined => {
    try {
      return f();
    } catch {
      return undefined;
    }
  };
  const list: (Candidate | undefined)[] = [
    wrap("googleWorkspace", safe(() => googleWorkspace(domain, { legacyMx: true })), "legacyMx: true"),
    wrap("googleWorkspace", safe(() => googleWorkspace(domain, {}))),
    wrap("microsoft365", safe(() => microsoft365(domain, { tenant: "tenant" })), "tenant: <your tenant>"),
    wrap("fastmail", safe(() => fastmail(domain, {}))),
    wrap("protonMail", safe(() => protonMail(domain, { verification: "protonmail-verification=x", dkimTargets: [] })), "verification, dkimTargets"),
    ...Object.values(ZohoRegion).map((region) => wrap("zohoMail", safe(() => zohoMail(domain, { region })), `region: ${region}`)),
    ...Object.values(MailgunRegion).map((region) => wrap("mailgun", safe(() => mailgun(domain, { region, receive: true, dkimSelector: "x", dkimPublicKey: "x" })), `region: ${region}`)),
  ];
  return list.filter((c): c is Candidate => c !== undefined);
}

function wrap(field: string, contribution: PresetContribution | undefined, hint?: string): Candidate | undefined {
  return contribution ? { field, contribution, hint } : undefined;
}

/**
 * Sentences naming the presets whose MX hosts or SPF include the imported domain already has.
 * `parent` is the domain a subdomain belongs to, for the Amazon SES MAIL FROM subdomain.
 */
export function presetHints(args: MailRecordsArgs, parent?: string): string[] {
  const domain = args.domain;
  const hosts = new Set((args.mx ?? []).map((m) => m.host.toLowerCase()));
  const includes = new Set((args.spf?.include ?? []).map((i) => i.toLowerCase()));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const c of candidates(domain)) {
    if (seen.has(c.field)) continue;
    const mx = c.contribution.mx ?? [];
    const mxMatch = mx.length > 0 && mx.every((m) => hosts.has(m.host.toLowerCase()));
    const spf = c.contribution.spfInclude ?? [];
    const spfMatch = spf.length > 0 && spf.every((i) => includes.has(i.toLowerCase()));
    if (!mxMatch && !spfMatch) continue;
    seen.add(c.field);
    const what = [mxMatch ? `its MX hosts (${mx.map((m) => m.host).join(", ")})` : "", spfMatch ? `its SPF include (${spf.map((i) => `include:${i}`).join(" ")})` : ""]
      .filter(Boolean)
      .join(" and ");
    out.push(
      `${domain} looks like ${c.contribution.provider}: it has ${what}. They were imported as plain records; the ${c.field} preset${c.hint ? ` (${c.hint})` : ""} publishes the same records if you prefer to declare the provider.`,
    );
  }
  // Amazon SES: Easy DKIM CNAMEs, and the custom MAIL FROM subdomain (MX feedback-smtp.<region>.amazonses.com).
  const ses = (args.dkim ?? []).filter((d) => d.cnameTarget !== undefined && sesDkimCname(domain, d.selector).cnameTarget === d.cnameTarget.toLowerCase());
  if (ses.length > 0) {
    out.push(
      `${domain} has ${ses.length} Amazon SES Easy DKIM CNAME${ses.length > 1 ? "s" : ""} (${ses.map((d) => d.selector).join(", ")}): imported as dkim cnameTarget entries; the amazonSes preset (region, dkimTokens) publishes the same CNAMEs.`,
    );
  }
  const region = [...hosts].map((h) => /^feedback-smtp\.([a-z0-9-]+)\.amazonses\.com$/.exec(h)?.[1]).find((r) => r !== undefined);
  if (region && parent && domain.endsWith(`.${parent}`)) {
    const label = domain.slice(0, -(parent.length + 1));
    const expected = amazonSes(parent, { region, mailFromSubdomain: label, dkimTokens: [] }).records ?? [];
    const mxOk = expected.some((r) => r.type === "MX" && r.values.some((v) => hosts.has(v.content)));
    if (mxOk && !label.includes(".")) {
      out.push(
        `${domain} is an Amazon SES custom MAIL FROM domain (region ${region}): imported as its own domain entry; the amazonSes preset of ${parent} (region: ${region}, mailFromSubdomain: ${label}) publishes the same MX and SPF.`,
      );
    }
  }
  return out;
}
