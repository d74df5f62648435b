/**
 * Comparing the mail records two DNS servers serve, by meaning: the questions an original zone
 * answers (MX, the domain's TXT/SPF, DKIM, DMARC, MTA-STS, TLS-RPT, BIMI), asked of both servers,
 * and each answer read with the core's parsers (the component writes canonical text: `a` for
 * `+a`, `v=DMARC1` for `V=DMARC1`, a DKIM record's `v=` first). Used by the import round trips.
 */
import { Resolver } from "node:dns/promises";
import { classifyName } from "../../cli/import/map";
import { resolveName, ZoneRecord } from "../../cli/import/zonefile";
import { parseBimi } from "../../components/records/bimi";
import { parseDkim } from "../../components/records/dkim";
import { parseDmarc } from "../../components/records/dmarc";
import { parseMtaStsTxt } from "../../components/records/mta-sts";
import { fqdn } from "../../components/records/names";
import { isSpfRecord, parseSpf, renderTerm } from "../../components/records/spf";
import { parseTlsRpt } from "../../components/records/tls-rpt";
import type { Zone, ZoneRecord as HarnessRecord, ZoneRecordType } from "./dns";

const SERVED: readonly string[] = ["A", "AAAA", "MX", "TXT", "CNAME", "PTR"];

/** The original zone for the harness: its records with their rdata as written (names made absolute). */
export function originalZone(apex: string, records: ZoneRecord[]): Zone {
  const out: HarnessRecord[] = [];
  for (const r of records) {
    if (!SERVED.includes(r.type)) continue;
    let value = r.rdata.join(" ");
    const abs = (t: string) => (t === "." ? "." : fqdn(resolveName(t, r.origin).name as string));
    if (r.type === "MX") value = `${r.rdata[0]} ${abs(r.rdata[1])}`;
    if (r.type === "CNAME" || r.type === "PTR") value = abs(r.rdata[0]);
    out.push({ name: r.owner, type: r.type as ZoneRecordType, ttl: r.ttl, value });
  }
  return { origin: apex, records: out };
}

export type Kind = "mx" | "domain-txt" | "dkim" | "dkim-cname" | "dmarc" | "mta-sts" | "tls-rpt" | "bimi";

/** The mail questions the original zone answers: (name, kind), from its records. */
export function mailQuestions(records: ZoneRecord[], mailDomains: Set<string>): { name: string; kind: Kind }[] {
  const out = new Map<string, { name: string; kind: Kind }>();
  for (const r of records) {
    const c = classifyName(r.owner);
    let kind: Kind | undefined;
    if (c.kind === "plain" && mailDomains.has(r.owner)) kind = r.type === "MX" ? "mx" : r.type === "TXT" ? "domain-txt" : undefined;
    else if (c.kind === "dkim") kind = r.type === "CNAME" ? "dkim-cname" : r.type === "TXT" ? "dkim" : undefined;
    else if ((c.kind === "dmarc" || c.kind === "mta-sts" || c.kind === "tls-rpt" || c.kind === "bimi") && r.type === "TXT") kind = c.kind;
    if (kind) out.set(`${r.owner} ${kind}`, { name: r.owner, kind });
  }
  return [...out.values()];
}

export async function ask(resolver: Resolver, name: string, kind: Kind): Promise<string[]> {
  try {
    if (kind === "mx") return (await resolver.resolveMx(name)).map((m) => `${m.priority} ${m.exchange.toLowerCase()}`).sort();
    if (kind === "dkim-cname") return (await resolver.resolveCname(name)).map((c) => c.toLowerCase());
    return (await resolver.resolveTxt(name)).map((chunks) => chunks.join("")).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENODATA" || code === "ENOTFOUND") return [];
    throw e;
  }
}

/** What an answer means, read with the core's parsers. */
export function meaning(kind: Kind, values: string[]): unknown {
  switch (kind) {
    case "mx":
    case "dkim-cname":
      return values;
    case "domain-txt":
      return {
        spf: values.filter(isSpfRecord).map((v) => parseSpf(v).model.terms.map((t) => renderTerm(t).toLowerCase())),
        other: values.filter((v) => !isSpfRecord(v)),
      };
    case "dkim":
      return values.map((v) => {
        const m = parseDkim(v).model;
        return { k: m.keyType ?? "rsa", p: m.publicKey, testing: (m.flags ?? []).includes("y") };
      });
    case "dmarc":
      return values.map((v) => {
        const { extraTags: _ignored, ...model } = parseDmarc(v).model;
        return model;
      });
    case "mta-sts":
      // The id is the component's own (a hash of the policy it renders): compare that a valid
      // record is there, not the id.
      return values.map((v) => ({ version: v.split(";")[0], validId: /^[A-Za-z0-9]{1,32}$/.test(parseMtaStsTxt(v).model.id ?? "") }));
    case "tls-rpt":
      return values.map((v) => parseTlsRpt(v).model.rua);
    case "bimi":
      return values.map((v) => {
        const m = parseBimi(v).model;
        return { l: m.location, a: m.authority };
      });
  }
}
