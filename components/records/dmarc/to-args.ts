/**
 * A DMARC record read from DNS (the core's `parseDmarc` model) → the component's `dmarc` arguments,
 * the reverse of the core's `buildDmarc` (components/records/dmarc/args.ts), in the style of the
 * core's `spfToPolicy`: everything the arguments can express, and every tag they cannot, with the
 * reason.
 *
 * In the core because two layers read records back into arguments: the zone importer, and the
 * report advisor (which writes the next DMARC step as the declared arguments with one change). The
 * parser already decides every rule (what a tag means, which values are invalid); this only renames
 * fields and applies RFC 7489 §6.6.3's fallback for a record whose policy receivers reject.
 */
import { Diagnostic } from "../diagnostics";
import { DmarcPolicy } from "../enums";
import type { DmarcArgs } from "./args";
import type { DmarcRecord } from "./model";

export interface DmarcLeftOut {
  /** The tag as written in the record, e.g. `psd=y`. */
  tag: string;
  /** Why the arguments do not carry it. */
  reason: string;
  /** The rule's source. */
  rfc: string;
}

export interface DmarcImport {
  /** Undefined when receivers apply no DMARC with this record (no valid policy and no rua). */
  args?: DmarcArgs;
  leftOut: DmarcLeftOut[];
}

/**
 * `diagnostics` are the parser's own: an invalid `p` or `sp` leaves the model without it, and
 * RFC 7489 §6.6.3 then says what receivers do (p=none when a valid rua exists, else no DMARC).
 */
export function dmarcToArgs(record: DmarcRecord, diagnostics: readonly Diagnostic[] = []): DmarcImport {
  const leftOut: DmarcLeftOut[] = [];
  const badPolicy = diagnostics.some((d) => d.code === "dmarc.invalid-policy" && (d.field === "p" || d.field === "sp"));
  const hasRua = (record.rua?.length ?? 0) > 0;
  if (record.p === undefined || badPolicy) {
    if (!hasRua) {
      return { leftOut: [{ tag: "p", reason: "the record has no valid p= (or sp=) and no rua=, so receivers apply no DMARC at all (RFC 7489 §6.6.3): it is not imported; declare dmarc with the policy you meant", rfc: "RFC 7489 §6.6.3" }] };
    }
    leftOut.push({ tag: "p", reason: "the record has no valid p= (or sp=) but has rua=, so receivers treat it as p=none (RFC 7489 §6.6.3): imported as policy none; set the policy you meant", rfc: "RFC 7489 §6.6.3" });
  }
  const args: DmarcArgs = { policy: record.p !== undefined && !badPolicy ? record.p : DmarcPolicy.None };
  if (record.sp !== undefined && !badPolicy) args.subdomainPolicy = record.sp;
  if (record.np !== undefined) args.nonexistentSubdomainPolicy = record.np;
  if (record.pct !== undefined) args.percent = record.pct;
  if (record.rua?.length) args.rua = record.rua.map((u) => (u.maxSize ? `${u.uri}!${u.maxSize}` : u.uri));
  if (record.ruf?.length) args.ruf = record.ruf.map((u) => (u.maxSize ? `${u.uri}!${u.maxSize}` : u.uri));
  if (record.adkim !== undefined) args.dkimAlignment = record.adkim;
  if (record.aspf !== undefined) args.spfAlignment = record.aspf;
  if (record.fo?.length) args.failureOptions = [...record.fo];
  if (record.rf?.length) args.reportFormat = record.rf[0];
  if (record.ri !== undefined) args.reportInterval = record.ri;
  if (record.t === "y") args.testing = true;
  for (const d of diagnostics) {
    if (d.severity !== "error" || d.breaksStandard || !/^(?:pct|adkim|aspf|ri|fo|rf|t|np|psd|rua\[\d+\]|ruf\[\d+\])$/.test(d.field)) continue;
    const reason =
      d.field === "pct"
        ? "the value is invalid, so receivers ignore it and apply the policy to all failing mail; the import does the same and leaves percent out: set dmarc.percent to the number you meant (or leave it out for 100)"
        : "the value is invalid, so receivers ignore it (see the error on this line); the import does the same and leaves it out";
    leftOut.push({ tag: d.field, reason, rfc: d.rfc || "RFC 7489 §6.3" });
  }
  if (record.psd !== undefined) {
    leftOut.push({ tag: `psd=${record.psd}`, reason: "psd= (RFC 9989) is for public suffix operators only and has no argument: it is not published", rfc: "RFC 9989" });
  }
  for (const t of record.extraTags ?? []) {
    leftOut.push({ tag: `${t.name}=${t.value}`, reason: "DMARC defines no such tag and receivers ignore it: it is not published", rfc: "RFC 7489 §6.3" });
  }
  return { args, leftOut };
}
