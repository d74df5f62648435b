/**
 * `<selector>._domainkey.D` records → `dkim` entries: a TXT key (the exact `p=` value) or a CNAME
 * to a provider's key (RFC 6376 §3.6.2, RFC 8463).
 */
import { DkimArgs } from "../../../components/plan/args";
import { isDkimKeyRecord, parseDkim, publicKeyToDkim } from "../../../components/records/dkim";
import { validateSelector } from "../../../components/records/names";
import { finding, located } from "../findings";
import { ZoneRecord, resolveName } from "../zonefile";
import { DomainBuild, Txt, place } from "./model";
import { checkDoubledOrigin } from "./select";
import { MapContext } from "./context";

export function mapDkim(ctx: MapContext, b: DomainBuild, used: ZoneRecord[]): DkimArgs[] {
  const out: DkimArgs[] = [];
  for (const [selector, entry] of [...b.dkim.entries()].sort(([x], [y]) => x.localeCompare(y))) {
    const records = [...entry.txt.map((t) => t.record), ...entry.cname];
    const firstRecord = records[0];
    if (!firstRecord) continue;
    const bad = validateSelector(selector, "selector");
    if (bad.length) {
      ctx.report(located(bad, place(firstRecord)), b.domain);
      for (const r of records) ctx.leftOut(r, selector === "*" ? "a wildcard DKIM selector cannot be declared (the parked: true setting publishes the revoked wildcard key of a parked domain)" : `"${selector}" cannot be declared as a DKIM selector (see above)`);
      continue;
    }
    if (entry.cname.length > 0) {
      const r = entry.cname[0];
      for (const other of [...entry.cname.slice(1), ...entry.txt.map((t) => t.record)]) {
        ctx.leftOut(other, "a CNAME owns its name alone (RFC 1034 §3.6.2), so DNS servers refuse other records beside it; the CNAME was imported", "error");
      }
      const target = resolveName(r.rdata[0] ?? "", r.origin);
      if (r.rdata.length !== 1 || target.name === undefined || target.name === "") {
        ctx.leftOut(r, `the CNAME target ${r.rdata.join(" ")} is not a host name`, "error");
        continue;
      }
      checkDoubledOrigin(ctx, r, r.rdata[0], target.name, "CNAME target");
      out.push({ selector, cnameTarget: target.name });
      used.push(r);
      continue;
    }
    const txt = entry.txt.filter((t) => isDkimKeyRecord(t.value));
    for (const t of entry.txt.filter((x) => !isDkimKeyRecord(x.value))) {
      ctx.leftOut(t.record, "not a DKIM key record (no p= tag): verifiers ignore it", "warning");
    }
    if (txt.length === 0) continue;
    for (const t of txt.slice(1)) {
      ctx.leftOut(t.record, `a second key record at the selector ${selector}: verifiers may read either one (RFC 6376 §3.6.2.2); the first was imported. Give each key its own selector`, "error");
    }
    const t = txt[0];
    const mapped = dkimEntry(ctx, selector, t, b.domain);
    if (mapped) {
      out.push(mapped);
      used.push(t.record);
    }
  }
  return out;
}

export function dkimEntry(ctx: MapContext, selector: string, t: Txt, domain: string): DkimArgs | undefined {
  const r = t.record;
  const parsed = parseDkim(t.value);
  ctx.report(located(parsed.diagnostics, place(r)), domain);
  const rec = parsed.model;
  if (parsed.diagnostics.some((d) => d.code === "dkim.duplicate-tag")) {
    ctx.leftOut(r, "a key record with a repeated tag is invalid as a whole (RFC 6376 §3.2): verifiers ignore it, so it is not imported", "error");
    return undefined;
  }
  if (rec.publicKey === undefined) {
    ctx.leftOut(r, "the key record has no p= tag, so verifiers cannot use it", "error");
    return undefined;
  }
  const entry: DkimArgs = { selector };
  if (rec.publicKey === "") entry.revoked = true;
  else {
    const key = publicKeyToDkim(rec.publicKey, "p");
    if (key.p === "" || key.diagnostics.some((d) => d.severity === "error")) {
      ctx.report(located(key.diagnostics.filter((d) => d.severity === "error"), place(r)), domain);
      ctx.leftOut(r, "its public key cannot be used (see above): copy the key again from the mail server or hosting panel and declare it by hand", "error");
      return undefined;
    }
    const k = (rec.keyType ?? "rsa").toLowerCase();
    if (k !== key.keyType) {
      ctx.leftOut(r, `k=${rec.keyType ?? "rsa (the default)"} does not match its key, which is ${key.keyType === "rsa" ? "an RSA" : "an Ed25519"} key: verifiers fail every signature`, "error");
      return undefined;
    }
    entry.publicKey = rec.publicKey;
  }
  const flags = (rec.flags ?? []).map((f) => f.toLowerCase());
  if (flags.includes("y")) entry.testing = true;
  const lost: { tag: string; reason: string; severity: "warning" | "info" }[] = [];
  if (flags.includes("s")) lost.push({ tag: "t=s", reason: "the component has no setting for the s flag (the i= of signatures must then equal d=); without it, signatures from subdomain addresses also verify", severity: "warning" });
  const otherFlags = flags.filter((f) => f !== "y" && f !== "s" && f !== "");
  if (otherFlags.length) lost.push({ tag: `t=${otherFlags.join(":")}`, reason: "unknown flags, which verifiers ignore", severity: "info" });
  if (rec.hashAlgorithms?.length) {
    const onlySha256 = rec.hashAlgorithms.every((h) => h.toLowerCase() === "sha256");
    lost.push({ tag: `h=${rec.hashAlgorithms.join(":")}`, reason: onlySha256 ? "the component publishes no h= (all hashes allowed); signers use sha256 only since RFC 8301 forbade sha1, so nothing changes" : "the component publishes no h=, which allows every hash algorithm", severity: onlySha256 ? "info" : "warning" });
  }
  if (rec.serviceTypes?.length) {
    const email = rec.serviceTypes.every((s) => s === "email" || s === "*");
    lost.push({ tag: `s=${rec.serviceTypes.join(":")}`, reason: email ? "the component publishes no s= (the default *, all services, email included), so nothing changes for mail" : "the component publishes no s=", severity: email ? "info" : "warning" });
  }
  if (rec.notes !== undefined) lost.push({ tag: `n=${rec.notes.slice(0, 30)}`, reason: "notes for humans are not published", severity: "info" });
  for (const x of rec.extraTags ?? []) lost.push({ tag: `${x.name}=${x.value.slice(0, 30)}`, reason: "not a DKIM tag; verifiers ignore it", severity: "info" });
  for (const l of lost) {
    ctx.report([finding("import.dkim-tag-left-out", l.severity, `DKIM tag ${l.tag} of selector ${selector} is left out: ${l.reason}.`, place(r), "RFC 6376 §3.6.1", `dkim[${selector}]`)], domain);
  }
  return entry;
}
