/**
 * Checks of a DKIM key record model (RFC 6376 §3.6.1, RFC 8301, RFC 8463), whether it was parsed
 * from DNS or built in code. Field names are the tag names (`p`, `k`, `h`…).
 */
import { Diagnostic, invalid, note, risky } from "../diagnostics";
import { printable } from "../names";
import { inspectDkimPublicKey } from "./key";
import { DKIM_TAGS, DkimKeyRecord, KNOWN_HASHES, KNOWN_KEY_TYPES, RFC_KEY_RECORD, RFC_TAG_LIST, dedupe } from "./model";

const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** A tag value: VALCHAR (%x21-3A / %x3C-7E) with single inner spaces (RFC 6376 §3.2). */
const TAG_VALUE = /^(?:[\x21-\x3a\x3c-\x7e]+(?: [\x21-\x3a\x3c-\x7e]+)*)?$/;
/** One item of a colon-separated list (`h=`, `s=`, `t=`): hyphenated-word or `*`. */
const LIST_ITEM = /^(?:\*|[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?)$/;

export function validateDkim(rec: DkimKeyRecord): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (rec.version !== undefined && rec.version !== "DKIM1") {
    out.push(invalid("dkim.invalid-version", "v", `v=${printable(String(rec.version))} is not DKIM1; verifiers discard key records with any other version: write v=DKIM1 (upper case) or remove v=.`, RFC_KEY_RECORD));
  }
  const keyType = rec.keyType ?? "rsa";
  const knownType = (KNOWN_KEY_TYPES as readonly string[]).includes(keyType);
  if (!knownType) {
    const lower = keyType.toLowerCase();
    const hint = (KNOWN_KEY_TYPES as readonly string[]).includes(lower) ? ` Values are case-sensitive: write k=${lower}.` : " Use k=rsa or k=ed25519.";
    out.push(invalid("dkim.unknown-key-type", "k", `k=${printable(keyType)} is not a key type verifiers know, so they ignore this key and every signature fails.${hint}`, "RFC 6376 §3.6.1; RFC 8463 §4"));
  }
  out.push(...checkHashes(rec.hashAlgorithms));
  out.push(...checkServiceTypes(rec.serviceTypes));
  out.push(...checkFlags(rec.flags));
  if (rec.notes !== undefined && !TAG_VALUE.test(rec.notes)) {
    out.push(invalid("dkim.tag-value-syntax", "n", `the note n= "${printable(rec.notes).slice(0, 40)}" contains a character a tag value may not hold (";", control characters, non-ASCII or repeated spaces): remove it.`, RFC_TAG_LIST));
  }
  out.push(...checkExtraTags(rec));
  out.push(...checkPublicKey(rec.publicKey, keyType, knownType));
  return dedupe(out);
}

function checkHashes(hashes: string[] | undefined): Diagnostic[] {
  if (hashes === undefined) return [];
  const out: Diagnostic[] = [];
  if (hashes.some((h) => !LIST_ITEM.test(h))) {
    out.push(invalid("dkim.list-syntax", "h", `h=${printable(hashes.join(":"))} is not a colon-separated list of algorithm names: write h=sha256, or remove h= (all algorithms allowed).`, RFC_KEY_RECORD));
    return out;
  }
  const unknown = hashes.filter((h) => !(KNOWN_HASHES as readonly string[]).includes(h));
  if (unknown.length) {
    out.push(risky("dkim.unknown-hash", "warning", "h", `h= lists ${unknown.join(", ")}, which no DKIM verifier knows (names are case-sensitive; known: sha256): verifiers ignore it. Write h=sha256 or remove h=.`, RFC_KEY_RECORD));
  }
  if (!hashes.includes("sha256")) {
    if (hashes.includes("sha1")) {
      out.push(invalid("dkim.sha1-only", "h", "h=sha1 allows only rsa-sha1 signatures, which verifiers must no longer accept, so this key can verify nothing: write h=sha256, or remove h=.", "RFC 8301 §3.1"));
    } else {
      out.push(invalid("dkim.no-usable-hash", "h", "h= allows no hash algorithm verifiers know, so this key can verify nothing: write h=sha256, or remove h=.", RFC_KEY_RECORD));
    }
  }
  return out;
}

function checkServiceTypes(types: string[] | undefined): Diagnostic[] {
  if (types === undefined) return [];
  if (types.some((t) => !LIST_ITEM.test(t))) {
    return [invalid("dkim.list-syntax", "s", `s=${printable(types.join(":"))} is not a colon-separated list of service types: write s=email, or remove s= (all services).`, RFC_KEY_RECORD)];
  }
  if (!types.includes("*") && !types.includes("email")) {
    return [invalid("dkim.service-type", "s", `s=${types.join(":")} does not include "email" or "*", so verifiers must not use this key for email: write s=email, or remove s=.`, RFC_KEY_RECORD)];
  }
  return [];
}

function checkFlags(flags: string[] | undefined): Diagnostic[] {
  if (flags === undefined) return [];
  if (flags.some((f) => !LIST_ITEM.test(f))) {
    return [invalid("dkim.list-syntax", "t", `t=${printable(flags.join(":"))} is not a colon-separated list of flags: write t=s, t=y, or remove t=.`, RFC_KEY_RECORD)];
  }
  const out: Diagnostic[] = [];
  if (flags.includes("y")) {
    out.push(risky("dkim.testing", "warning", "t", "t=y marks the key as in testing: receivers may treat mail whose signature fails as if it were unsigned, and some ignore the signature altogether. Remove t=y once signing works.", RFC_KEY_RECORD));
  }
  if (flags.includes("s")) {
    out.push(note("dkim.strict-subdomains", "t", "t=s: signatures with this key must not use a subdomain in the i= identity (the i= domain must equal d=). That is fine for most senders.", RFC_KEY_RECORD));
  }
  const unknown = flags.filter((f) => f !== "y" && f !== "s");
  if (unknown.length) {
    out.push(note("dkim.unknown-flag", "t", `t= flag(s) ${unknown.join(", ")} are not defined; verifiers ignore them.`, RFC_KEY_RECORD));
  }
  return out;
}

function checkExtraTags(rec: DkimKeyRecord): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const tag of rec.extraTags ?? []) {
    if (!TAG_NAME.test(tag.name)) {
      out.push(invalid("dkim.tag-syntax", tag.name, `"${printable(tag.name)}" is not a valid tag name: tag names start with a letter and hold letters, digits and "_".`, RFC_TAG_LIST));
      continue;
    }
    if (!TAG_VALUE.test(tag.value)) {
      out.push(invalid("dkim.tag-value-syntax", tag.name, `the value of ${tag.name}= contains a character a tag value may not hold (";", control characters, non-ASCII, or repeated spaces): remove it.`, RFC_TAG_LIST));
      continue;
    }
    const known = (DKIM_TAGS as readonly string[]).includes(tag.name);
    if (known) {
      out.push(invalid("dkim.duplicate-tag", tag.name, `${tag.name}= is given twice: a tag-list with a repeated tag is entirely invalid. Keep one.`, RFC_TAG_LIST));
    } else if ((DKIM_TAGS as readonly string[]).includes(tag.name.toLowerCase())) {
      const lower = tag.name.toLowerCase();
      out.push(invalid("dkim.tag-case", tag.name, `DKIM tag names are case-sensitive: verifiers do not read ${tag.name}= as ${lower}=, and ignore it. Write ${lower}=.`, RFC_TAG_LIST));
    } else if (tag.name === "g") {
      out.push(note("dkim.unknown-tag", tag.name, `g= (key granularity) was removed by RFC 6376; current verifiers ignore it, older ones may restrict the key to one local part. Remove it.`, RFC_KEY_RECORD));
    } else {
      out.push(note("dkim.unknown-tag", tag.name, `${tag.name}= is not a DKIM key record tag; verifiers ignore it. Remove it unless a tool of yours needs it.`, RFC_TAG_LIST));
    }
  }
  return out;
}

function checkPublicKey(p: string | undefined, keyType: string, knownType: boolean): Diagnostic[] {
  if (p === undefined) {
    return [invalid("dkim.missing-key", "p", "the record has no p= tag, which is required: add p=<the base64 public key> (or an empty p= to revoke the key).", RFC_KEY_RECORD)];
  }
  if (p.includes('"')) {
    return [invalid("dkim.quoted-key", "p", `p= contains quote characters: the key was copied together with the quotes of a split TXT value ("…" "…"). Remove every quote and the spaces between the parts, so that p= is one unbroken base64 string (or give the parts as separate strings of one TXT value).`, "RFC 6376 §3.6.2.2")];
  }
  if (/\s/.test(p)) {
    return [invalid("dkim.invalid-base64", "p", "the public key contains spaces or line breaks: remove them, so that p= is one unbroken base64 string.", "RFC 6376 §2.4")];
  }
  if (p === "") return inspectDkimPublicKey("").diagnostics;
  if (!knownType) return [];
  return inspectDkimPublicKey(p, keyType).diagnostics;
}
