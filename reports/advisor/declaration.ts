/**
 * The declaration: what a plan (`maildomain plan --json`, or the program planned in process) declares for each
 * mail domain, read from its record sets with the record core's own selectors, in the form the advisor compares
 * with the reports.
 */
import { isDmarcRecord } from "../../components/records/dmarc";
import { parseMtaStsPolicy, parseMtaStsTxt, policyId } from "../../components/records/mta-sts";
import { meantAs } from "../../components/records/tags";
import { TLSRPT_VERSION } from "../../components/records/tls-rpt";
import { selectSpfRecords } from "../../components/records/spf";
import type { DeclaredRecordSet, Declaration } from "./model";

const stripDot = (v: string) => v.trim().toLowerCase().replace(/\.$/, "");

/** The mail domains a plan declares: owners of `_dmarc.` records, MX records and SPF records. */
export function declaredDomains(sets: readonly DeclaredRecordSet[]): string[] {
  const out = new Set<string>();
  for (const s of sets) {
    if (s.type === "TXT" && s.name.startsWith("_dmarc.")) out.add(s.name.slice("_dmarc.".length));
    else if (s.type === "MX") out.add(s.name);
    else if (s.type === "TXT" && selectSpfRecords(s.values).length > 0) out.add(s.name);
  }
  return [...out].sort();
}

/**
 * The declaration of each domain. `policyTexts` are the MTA-STS policy files found in the plan's resources (the
 * hosting resources carry them); a file belongs to the domain whose `_mta-sts` id is its hash (the component's
 * id is the policy's SHA-256), so no name has to be guessed.
 */
export function readDeclarations(sets: readonly DeclaredRecordSet[], policyTexts: readonly string[] = []): Map<string, Declaration> {
  const byId = new Map(policyTexts.map((t) => [policyId(t), t]));
  const find = (name: string, type: string) => sets.find((s) => s.name === name && s.type === type);
  const out = new Map<string, Declaration>();
  for (const domain of declaredDomains(sets)) {
    const spf = selectSpfRecords(find(domain, "TXT")?.values ?? []);
    const dmarc = (find(`_dmarc.${domain}`, "TXT")?.values ?? []).filter(isDmarcRecord);
    const suffix = `._domainkey.${domain}`;
    const dkim = sets
      .filter((s) => s.name.endsWith(suffix) && (s.type === "TXT" || s.type === "CNAME") && s.values.length > 0)
      .map((s) => ({ selector: s.name.slice(0, -suffix.length), type: s.type as "TXT" | "CNAME", value: s.type === "CNAME" ? stripDot(s.values[0]) : s.values[0] }));
    const sts = find(`_mta-sts.${domain}`, "TXT")?.values[0];
    const id = sts ? parseMtaStsTxt(sts).model.id : undefined;
    const policy = id ? byId.get(id) : undefined;
    const mode = policy ? parseMtaStsPolicy(policy).model.mode : undefined;
    out.set(domain, {
      domain,
      spf: spf.length === 1 ? spf[0] : undefined,
      dkim,
      dmarc: dmarc.length === 1 ? dmarc[0] : undefined,
      mtaStsMode: mode,
      mtaSts: sts !== undefined,
      tlsRpt: (find(`_smtp._tls.${domain}`, "TXT")?.values ?? []).some((v) => meantAs(v, TLSRPT_VERSION)),
      records: [...sets],
    });
  }
  return out;
}

/**
 * MTA-STS policy files inside any string of a plan's resource inputs: the S3 object's content as is, or the
 * string literal inside the generated Worker's script.
 */
export function policyTextsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") {
    if (value.startsWith("version: STSv1")) out.push(value);
    else if (value.includes('"version: STSv1')) {
      for (const m of value.matchAll(/"version: STSv1(?:[^"\\]|\\.)*"/g)) {
        try {
          out.push(JSON.parse(m[0]) as string);
        } catch {
          /* not a string literal after all */
        }
      }
    }
  } else if (Array.isArray(value)) for (const v of value) policyTextsIn(v, out);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) policyTextsIn(v, out);
  return out;
}
