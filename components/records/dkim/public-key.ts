/**
 * Turning what a person pastes as "the public key" into the `p=` value of a DKIM key record:
 * a PEM (`BEGIN PUBLIC KEY` for RSA or Ed25519, `BEGIN RSA PUBLIC KEY`, even a certificate), a bare
 * base64 `p=` value (with whitespace, or in the quoted-split form a hosting panel shows), or a whole
 * `v=DKIM1; k=rsa; p=…` record. A private key pasted by mistake, in any form the core's detector
 * knows (`../private-key`), is refused.
 */
import { KeyObject, createPublicKey } from "node:crypto";
import { Diagnostic, invalid, note } from "../diagnostics";
import { printable } from "../names";
import { ED25519_SEED, PrivateKeyFinding, findPrivateKey, isEd25519Point, privateKeyBytes, privateKeyMessage } from "../private-key";
import { joinTxt, parseTxtRdata } from "../txt";
import { decodeDkimBase64, ed25519RawFromSpki, ed25519Spki, inspectDkimPublicKey, readPublicKeyDer } from "./key";
import { RFC_KEY_RECORD, dedupe } from "./model";
import { isDkimKeyRecord, parseDkim } from "./parse";

export interface DkimPublicKey {
  /** The `p=` value: base64 of the SubjectPublicKeyInfo (RSA) or of the raw 32-byte key (Ed25519); "" when unusable. */
  p: string;
  keyType: "rsa" | "ed25519";
  /** RSA modulus length, 256 for Ed25519, 0 when unusable. */
  bits: number;
  diagnostics: Diagnostic[];
}

const PEM = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

export function publicKeyToDkim(input: string, field = "publicKey"): DkimPublicKey {
  if (typeof input !== "string" || input.trim() === "") {
    return fail([invalid("dkim.missing-key", field, `${field} is empty: give the DKIM public key (a "BEGIN PUBLIC KEY" PEM or the base64 p= value).`, RFC_KEY_RECORD)]);
  }
  const text = input.trim();
  const secret = findPrivateKey(text);
  if (secret) return fail([privateKey(field, secret)]);
  const pem = PEM.exec(text);
  if (pem) return fromPem(pem[0], pem[1], field);
  if (/-----BEGIN /.test(text)) {
    return fail([invalid("dkim.invalid-key", field, `${field} has a "-----BEGIN" line but no matching "-----END" line: copy the whole PEM block, both lines included.`, RFC_KEY_RECORD)]);
  }
  const notes: Diagnostic[] = [];
  let value = text;
  if (value.includes('"')) {
    // A zone-file line: drop `mail._domainkey IN TXT (` before the strings and `)` after them.
    value = value.replace(/^[^"]*(?:^|\s)TXT\s+(?=[("])/i, "").replace(/^\s*\(\s*(?=")/, "").replace(/(?<=")\s*\)\s*$/, "");
    // The quoted-split form a DNS panel shows, "v=DKIM1; k=rsa; p=MIIB…" "…IDAQAB", or its inside
    // (MIIB…" "…IDAQAB). Without escapes the parts are joined directly; with escapes the zone-file
    // reader handles them.
    if (!value.includes("\\")) value = value.replace(/"\s*"/g, "").replace(/^"|"$/g, "");
    else {
      const strings = parseTxtRdata(value, field);
      if (strings.diagnostics.length === 0) value = joinTxt(strings.model);
    }
  }
  if (/^\s*(?:v\s*=\s*DKIM1\b|p\s*=)/i.test(value) || (isDkimKeyRecord(value) && value.includes(";"))) {
    const rec = parseDkim(value).model;
    if (rec.publicKey === undefined) {
      return fail([invalid("dkim.missing-key", field, `${field} looks like a DKIM record but has no p= tag: give the public key itself.`, RFC_KEY_RECORD)]);
    }
    if (rec.publicKey === "") {
      return fail([invalid("dkim.missing-key", field, `${field} is a revoked DKIM record (empty p=): give the public key itself.`, RFC_KEY_RECORD)]);
    }
    notes.push(note("dkim.record-pasted", field, `${field} is a whole DKIM record: its p= value was used and its other tags were ignored.`, RFC_KEY_RECORD));
    value = rec.publicKey;
  }
  const decoded = decodeDkimBase64(value, field);
  if (!decoded.bytes) return fail([...notes, ...decoded.diagnostics]);
  if (decoded.bytes.length === 0) {
    return fail([invalid("dkim.missing-key", field, `${field} holds no key: give the DKIM public key.`, RFC_KEY_RECORD)]);
  }
  return fromDer(decoded.bytes, field, [...notes, ...decoded.diagnostics.map((d) => ({ ...d, field }))]);
}

function fromPem(block: string, label: string, field: string): DkimPublicKey {
  let key: KeyObject;
  let spkiDer: Buffer | undefined;
  const notes: Diagnostic[] = [];
  try {
    if (label === "PUBLIC KEY" || label === "RSA PUBLIC KEY") {
      // The body is the base64 of the DER; reading it through readPublicKeyDer shares its cache.
      const body = decodeDkimBase64(block.replace(/-----[A-Z0-9 ]+-----/g, ""), field).bytes;
      const read = body && readPublicKeyDer(body);
      if (!read || read.form === "private" || read.form !== (label === "PUBLIC KEY" ? "spki" : "pkcs1")) throw new Error("not a public key");
      key = read.key;
      if (read.form === "spki") spkiDer = body;
    } else if (label === "CERTIFICATE") {
      key = createPublicKey(block);
    } else {
      return fail([invalid("dkim.unrecognized-key-format", field, `${field} is a "${printable(label)}" PEM block; give the public key as a "BEGIN PUBLIC KEY" PEM (openssl pkey -pubin -in key.pem) or its base64 p= value.`, RFC_KEY_RECORD)]);
    }
  } catch {
    return fail([invalid("dkim.invalid-key", field, `${field} is a "${printable(label)}" PEM block that does not decode: it was probably cut or edited while copying; copy the whole block again, BEGIN and END lines included.`, RFC_KEY_RECORD)]);
  }
  if (label === "RSA PUBLIC KEY") {
    notes.push(note("dkim.pkcs1-converted", field, `${field} is a PKCS#1 "RSA PUBLIC KEY"; it was converted to the SubjectPublicKeyInfo form DKIM verifiers read.`, RFC_KEY_RECORD));
  }
  if (label === "CERTIFICATE") {
    notes.push(note("dkim.certificate-key", field, `${field} is a certificate; its public key was used (DKIM publishes only the key).`, RFC_KEY_RECORD));
  }
  return fromKey(key, field, notes, spkiDer);
}

function fromDer(der: Buffer, field: string, notes: Diagnostic[]): DkimPublicKey {
  if (der.length === 32) {
    if (!isEd25519Point(der)) return fail([privateKey(field, ED25519_SEED)]);
    try {
      return fromKey(createPublicKey({ key: ed25519Spki(der), format: "der", type: "spki" }), field, notes);
    } catch {
      // fall through to the generic failure below
    }
  }
  const read = readPublicKeyDer(der);
  if (read?.form === "private") return fail([privateKey(field, privateKeyBytes(der) ?? { kind: "der", what: "a private key in base64 DER form" })]);
  if (read) {
    if (read.form === "pkcs1") {
      notes.push(note("dkim.pkcs1-converted", field, `${field} is a PKCS#1 RSAPublicKey; it was converted to the SubjectPublicKeyInfo form DKIM verifiers read.`, RFC_KEY_RECORD));
    } else if (ed25519RawFromSpki(der)) {
      notes.push(note("dkim.ed25519-spki-converted", field, `${field} is an Ed25519 SubjectPublicKeyInfo; RFC 8463 publishes only the raw 32-byte key, which was taken from it.`, "RFC 8463 §4"));
    }
    return fromKey(read.key, field, notes, read.form === "spki" ? der : undefined);
  }
  return fail([...notes, invalid("dkim.invalid-key", field, `${field} is valid base64 (${der.length} bytes) but not an RSA or Ed25519 public key: it was probably cut while copying (DNS panels often cut at 255 characters). Copy the whole public key again.`, RFC_KEY_RECORD)]);
}

/** `spkiDer`: the key's SubjectPublicKeyInfo when already at hand (exporting costs ~0.2 ms). */
function fromKey(key: KeyObject, field: string, notes: Diagnostic[], spkiDer?: Buffer): DkimPublicKey {
  const spki = spkiDer ?? key.export({ type: "spki", format: "der" });
  let p: string;
  let keyType: "rsa" | "ed25519";
  if (key.asymmetricKeyType === "rsa") {
    p = spki.toString("base64");
    keyType = "rsa";
  } else if (key.asymmetricKeyType === "ed25519") {
    p = spki.subarray(12).toString("base64");
    keyType = "ed25519";
  } else {
    return fail([...notes, invalid("dkim.unsupported-key-algorithm", field, `${field} is a ${key.asymmetricKeyType ?? "unknown"} key; DKIM keys are RSA or Ed25519 only: generate an RSA 2048-bit or an Ed25519 key.`, "RFC 8463 §3")]);
  }
  const inspection = inspectDkimPublicKey(p, keyType);
  const diagnostics = dedupe([...notes, ...inspection.diagnostics.map((d) => ({ ...d, field }))]);
  return { p, keyType, bits: inspection.key?.bits ?? 0, diagnostics };
}

function privateKey(field: string, finding: PrivateKeyFinding): Diagnostic {
  return invalid("dkim.private-key", field, privateKeyMessage(field, finding), RFC_KEY_RECORD);
}

function fail(diagnostics: Diagnostic[]): DkimPublicKey {
  return { p: "", keyType: "rsa", bits: 0, diagnostics: dedupe(diagnostics) };
}
