/**
 * Decoding and inspecting the public key of a DKIM key record (`p=`), with node:crypto.
 *
 * - RSA (`k=rsa`, the default): verifiers read the base64 of a DER SubjectPublicKeyInfo. RFC 6376
 *   §3.6.1 literally describes a PKCS#1 RSAPublicKey, but OpenDKIM (d2i_PUBKEY) and mailauth read
 *   SubjectPublicKeyInfo only (mailauth 4.13.3 rejects a PKCS#1 `p=`), so PKCS#1 gets a warning.
 * - Ed25519 (`k=ed25519`, RFC 8463 §4): the raw 32-byte public key, not its SubjectPublicKeyInfo.
 * - Key size (RFC 8301 §3.2): verifiers MUST NOT accept RSA keys under 1024 bits; signers SHOULD use
 *   at least 2048 (M3AAWG recommends 2048); verifiers MUST handle keys up to 4096 bits.
 */
import { createPrivateKey, createPublicKey, KeyObject } from "node:crypto";
import { Diagnostic, invalid, note, risky } from "../diagnostics";
import { ED25519_SEED, PrivateKeyFinding, isEd25519Point, privateKeyBytes } from "../private-key";
import { ED25519_SPKI_PREFIX, RFC_KEY_RECORD } from "./model";

export interface DkimKeyInfo {
  type: "rsa" | "ed25519";
  /** RSA modulus length, or 256 for Ed25519. */
  bits: number;
}

export interface KeyInspection {
  key?: DkimKeyInfo;
  diagnostics: Diagnostic[];
}

const BASE64_BODY = /^[A-Za-z0-9+/]*$/;

/**
 * Decode base64 the way the DKIM grammar writes it (RFC 6376 §2.4: padding optional, whitespace
 * allowed and ignored). Node's decoder silently skips bad characters, so characters are checked
 * here first.
 */
export function decodeDkimBase64(text: string, field = "p"): { bytes?: Buffer; diagnostics: Diagnostic[] } {
  const s = text.replace(/\s+/g, "");
  const padAt = s.indexOf("=");
  const body = padAt < 0 ? s : s.slice(0, padAt);
  const pad = padAt < 0 ? "" : s.slice(padAt);
  if (!BASE64_BODY.test(body)) {
    const bad = /[^A-Za-z0-9+/]/.exec(body)?.[0] ?? "";
    const hint = bad === "-" || bad === "_"
      ? ` It looks like base64url ("-" and "_"): convert it to standard base64 ("+" and "/").`
      : bad === '"'
        ? ` Remove the quotes: they belong to the zone file, not to the key.`
        : "";
    return { diagnostics: [invalid("dkim.invalid-base64", field, `the public key contains "${printableChar(bad)}", which is not a base64 character.${hint} Copy the key again from the mail server or DKIM generator.`, "RFC 6376 §2.4")] };
  }
  if (!/^={0,2}$/.test(pad) || body.length % 4 === 1) {
    return { diagnostics: [invalid("dkim.invalid-base64", field, `the public key is not valid base64 (${pad.length > 2 || !/^=*$/.test(pad) ? "misplaced \"=\" padding" : "its length cannot be a whole number of bytes"}): it was probably cut or edited while copying; copy the whole key again.`, "RFC 6376 §2.4")] };
  }
  const diagnostics: Diagnostic[] = [];
  const needed = (4 - (body.length % 4)) % 4;
  if (pad.length !== needed) {
    if (pad.length > needed) {
      return { diagnostics: [invalid("dkim.invalid-base64", field, `the public key has more "=" padding than its length allows: it was probably cut while copying; copy the whole key again.`, "RFC 6376 §2.4")] };
    }
    diagnostics.push(risky("dkim.base64-padding", "warning", field, `the public key lacks its final "${"=".repeat(needed - pad.length)}" padding; the DKIM grammar allows that but some verifiers do not: add it, and check that the key was not cut while copying.`, "RFC 6376 §2.4"));
  }
  return { bytes: Buffer.from(body, "base64"), diagnostics };
}

/** The Ed25519 SubjectPublicKeyInfo for a raw 32-byte key. */
export function ed25519Spki(raw: Buffer): Buffer {
  return Buffer.concat([ED25519_SPKI_PREFIX, raw]);
}

/** The raw 32-byte key inside an Ed25519 SubjectPublicKeyInfo, or undefined if it is not one. */
export function ed25519RawFromSpki(der: Buffer): Buffer | undefined {
  return der.length === 44 && der.subarray(0, 12).equals(ED25519_SPKI_PREFIX) ? der.subarray(12) : undefined;
}

// Decoding is pure and createPublicKey costs ~0.1 ms for an RSA key, while the same key is read
// many times (parse, then validate; the policy pack on every preview): keep small caches. KeyObjects
// are immutable, so sharing them is safe.
const CACHE = new Map<string, KeyInspection>();
const DER_CACHE = new Map<string, { key: KeyObject; form: "spki" | "pkcs1" | "private" } | undefined>();
const CACHE_MAX = 256;

/**
 * What a DER blob is: a private key (createPublicKey would silently derive the public key from
 * one, hiding that a private key was published), a SubjectPublicKeyInfo, or a PKCS#1 RSAPublicKey.
 */
export function readPublicKeyDer(der: Buffer): { key: KeyObject; form: "spki" | "pkcs1" | "private" } | undefined {
  const cacheKey = der.toString("base64");
  if (DER_CACHE.has(cacheKey)) return DER_CACHE.get(cacheKey);
  const result = readDerUncached(der);
  if (DER_CACHE.size >= CACHE_MAX) DER_CACHE.delete(DER_CACHE.keys().next().value as string);
  DER_CACHE.set(cacheKey, result);
  return result;
}

function readDerUncached(der: Buffer): { key: KeyObject; form: "spki" | "pkcs1" | "private" } | undefined {
  // SubjectPublicKeyInfo first: the usual case, and its structure never parses as a private key.
  try {
    return { key: createPublicKey({ key: der, format: "der", type: "spki" }), form: "spki" };
  } catch {
    // not SPKI
  }
  for (const type of ["pkcs8", "pkcs1", "sec1"] as const) {
    try {
      return { key: createPublicKey(createPrivateKey({ key: der, format: "der", type })), form: "private" };
    } catch {
      // not a private key of this form
    }
  }
  try {
    return { key: createPublicKey({ key: der, format: "der", type: "pkcs1" }), form: "pkcs1" };
  } catch {
    return undefined;
  }
}


/**
 * Decode `p=` and check it is a real key of the type `k=` names (default `rsa`), of an acceptable
 * size. Returns the key found (its real type, even when it contradicts `k=`) and the diagnostics,
 * whose field is `p`. Never throws.
 */
export function inspectDkimPublicKey(p: string, keyType = "rsa"): KeyInspection {
  const cacheKey = `${keyType}\u0000${p}`;
  const cached = CACHE.get(cacheKey);
  if (cached) return { key: cached.key, diagnostics: [...cached.diagnostics] };
  const result = inspectUncached(p, keyType);
  if (CACHE.size >= CACHE_MAX) CACHE.delete(CACHE.keys().next().value as string);
  CACHE.set(cacheKey, result);
  return { key: result.key, diagnostics: [...result.diagnostics] };
}

function inspectUncached(p: string, keyType: string): KeyInspection {
  if (p.replace(/\s+/g, "") === "") {
    return { diagnostics: [note("dkim.revoked", "p", "p= is empty: this selector's key is revoked, and signatures made with it fail. Remove the record once no mail signed with it is in transit, or publish a new key.", RFC_KEY_RECORD)] };
  }
  const decoded = decodeDkimBase64(p);
  if (!decoded.bytes) return { diagnostics: decoded.diagnostics };
  const der = decoded.bytes;
  const diagnostics = [...decoded.diagnostics];
  if (keyType === "ed25519") return inspectEd25519(der, diagnostics);
  return inspectRsa(der, diagnostics);
}

function inspectRsa(der: Buffer, diagnostics: Diagnostic[]): KeyInspection {
  if (der.length === 32 && !isEd25519Point(der)) {
    diagnostics.push(privateKeyPublished(ED25519_SEED));
    return { diagnostics };
  }
  if (der.length === 32) {
    diagnostics.push(invalid("dkim.key-type-mismatch", "k", "p= holds 32 bytes, a raw Ed25519 key, but the key type is rsa (k=rsa, or no k=, whose default is rsa): add k=ed25519.", "RFC 8463 §4"));
    return { key: { type: "ed25519", bits: 256 }, diagnostics };
  }
  const read = readPublicKeyDer(der);
  if (!read) {
    diagnostics.push(invalidKey(der.length, "an RSA public key"));
    return { diagnostics };
  }
  if (read.form === "private") {
    diagnostics.push(privateKeyPublished(privateKeyBytes(der)));
    return { diagnostics };
  }
  const type = read.key.asymmetricKeyType;
  if (type === "ed25519") {
    const raw = der.subarray(12).toString("base64");
    diagnostics.push(invalid("dkim.key-type-mismatch", "k", `p= is an Ed25519 key (in SubjectPublicKeyInfo form) but the key type is rsa: publish k=ed25519; p=${raw} (RFC 8463 publishes only the raw 32-byte key).`, "RFC 8463 §4"));
    return { key: { type: "ed25519", bits: 256 }, diagnostics };
  }
  if (type !== "rsa") {
    diagnostics.push(unsupported(type));
    return { diagnostics };
  }
  if (read.form === "pkcs1") {
    diagnostics.push(risky("dkim.pkcs1-key", "warning", "p", "p= is a PKCS#1 RSAPublicKey. RFC 6376 §3.6.1 describes that form, but verifiers such as OpenDKIM and mailauth read only the SubjectPublicKeyInfo form every key generator publishes, and fail the signature: convert it (openssl rsa -RSAPublicKey_in -pubout) and publish that.", RFC_KEY_RECORD));
  }
  const bits = read.key.asymmetricKeyDetails?.modulusLength ?? 0;
  diagnostics.push(...rsaSizeDiagnostics(bits, "p"));
  return { key: { type: "rsa", bits }, diagnostics };
}

function inspectEd25519(der: Buffer, diagnostics: Diagnostic[]): KeyInspection {
  if (der.length === 32) {
    // node:crypto takes any 32 bytes as an Ed25519 key; a verifier decodes the point and fails.
    if (isEd25519Point(der)) return { key: { type: "ed25519", bits: 256 }, diagnostics };
    diagnostics.push(privateKeyPublished(ED25519_SEED));
    return { diagnostics };
  }
  const raw = ed25519RawFromSpki(der);
  if (raw) {
    diagnostics.push(invalid("dkim.ed25519-spki", "p", `p= holds the Ed25519 key in SubjectPublicKeyInfo form (44 bytes, the body of a "BEGIN PUBLIC KEY" PEM); RFC 8463 publishes only the raw 32-byte key, so verifiers fail: publish p=${raw.toString("base64")} instead.`, "RFC 8463 §4"));
    return { key: { type: "ed25519", bits: 256 }, diagnostics };
  }
  const read = readPublicKeyDer(der);
  if (read?.form === "private") {
    diagnostics.push(privateKeyPublished(privateKeyBytes(der)));
    return { diagnostics };
  }
  if (read?.key.asymmetricKeyType === "rsa") {
    const bits = read.key.asymmetricKeyDetails?.modulusLength ?? 0;
    diagnostics.push(invalid("dkim.key-type-mismatch", "k", `p= is an RSA key (${bits} bits) but k=ed25519: change k= to rsa (or remove k=, whose default is rsa).`, "RFC 6376 §3.6.1"));
    return { key: { type: "rsa", bits }, diagnostics };
  }
  if (read) {
    diagnostics.push(unsupported(read.key.asymmetricKeyType));
    return { diagnostics };
  }
  diagnostics.push(invalidKey(der.length, "an Ed25519 public key (32 bytes)"));
  return { diagnostics };
}

/** RFC 8301 §3.2 key-size rules for an RSA modulus. */
export function rsaSizeDiagnostics(bits: number, field: string): Diagnostic[] {
  if (bits < 1024) {
    return [invalid("dkim.rsa-key-too-short", field, `the RSA key has ${bits} bits; verifiers must not accept keys under 1024 bits, so every signature fails: generate a 2048-bit key.`, "RFC 8301 §3.2")];
  }
  if (bits < 2048) {
    return [risky("dkim.rsa-key-weak", "warning", field, `the RSA key has ${bits} bits; RFC 8301 and M3AAWG recommend 2048: generate a 2048-bit key (the record is then longer than 255 characters and is published as several strings, which every DNS provider supports).`, "RFC 8301 §3.2")];
  }
  if (bits > 4096) {
    return [risky("dkim.rsa-key-too-long", "warning", field, `the RSA key has ${bits} bits; verifiers are only required to handle keys up to 4096 bits, so some may fail the signature: use 2048 or 4096 bits.`, "RFC 8301 §3.2")];
  }
  return [];
}

function privateKeyPublished(finding: PrivateKeyFinding | undefined): Diagnostic {
  return invalid("dkim.private-key", "p", `p= holds a PRIVATE key (${finding?.what ?? "a private key in base64 DER form"}): anyone can now sign mail as this domain. Remove the record at once, generate a new key pair, and publish only the public key (openssl pkey -in private.pem -pubout).`, RFC_KEY_RECORD);
}

function invalidKey(length: number, what: string): Diagnostic {
  return invalid("dkim.invalid-key", "p", `p= is valid base64 (${length} bytes) but not ${what}: the key was probably cut while copying (DNS panels often cut it at 255 characters) or mixed with another value. Copy the whole public key again from the mail server.`, RFC_KEY_RECORD);
}

function unsupported(type: string | undefined): Diagnostic {
  return invalid("dkim.unsupported-key-algorithm", "p", `p= is a ${type ?? "unknown"} key; DKIM keys are RSA or Ed25519 only (RFC 6376, RFC 8463): generate an RSA 2048-bit or an Ed25519 key.`, "RFC 8463 §3");
}

function printableChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : c;
}
