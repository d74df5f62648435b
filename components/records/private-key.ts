/**
 * Private key material where only public values belong. DNS is public: a private key in a TXT
 * record (a DKIM private key pasted as "the key", a whole key file pasted into a verification
 * token) lets anyone sign mail as the domain, and it cannot be taken back once resolvers and
 * archives have it. The component refuses it in every argument, the policy pack in every DNS
 * record, whoever declared it; both ask this one detector.
 *
 * What is recognized, in any text:
 * - a PEM private key block (`BEGIN PRIVATE KEY`, `BEGIN RSA PRIVATE KEY`, `BEGIN EC PRIVATE KEY`,
 *   `BEGIN ENCRYPTED PRIVATE KEY`, `BEGIN OPENSSH PRIVATE KEY`, `BEGIN PGP PRIVATE KEY BLOCK`, …)
 *   and a PuTTY key file;
 * - a base64 DER private key without its PEM lines (PKCS#8, PKCS#1 `RSAPrivateKey`, SEC1
 *   `ECPrivateKey`), even cut short: the DER starts with a SEQUENCE holding the version INTEGER
 *   0 or 1, which no public key structure does (a SubjectPublicKeyInfo starts with a SEQUENCE);
 * - a JSON Web Key with its private member `d`;
 * - an Ed25519 key pair in the 64-byte form of libsodium and rspamd (seed, then public key), told
 *   apart from random bytes by deriving the public half from the seed;
 * - in a DKIM record (`p=`), 32 bytes that are not a point of the Ed25519 curve: no verifier can
 *   use them as a public key (RFC 8032 §5.1.3), and the 32-byte value people paste by mistake is
 *   the private seed. A seed that happens to decode as a point cannot be told from a public key:
 *   about half of all seeds do.
 *
 * Written by hand: no library recognizes key material inside arbitrary text; node:crypto confirms
 * the candidates.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";

export type PrivateKeyKind = "pem" | "putty" | "der" | "jwk" | "ed25519-key-pair" | "ed25519-seed";

export interface PrivateKeyFinding {
  kind: PrivateKeyKind;
  /** What was found, for messages: `a PEM "RSA PRIVATE KEY" block`. */
  what: string;
}

const PEM_PRIVATE = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----/;
const PUTTY = /PuTTY-User-Key-File-\d+:/;
const JWK_PRIVATE = /"kty"\s*:\s*"(?:RSA|EC|OKP)"[\s\S]*"d"\s*:\s*"|"d"\s*:\s*"[A-Za-z0-9_-]{20,}"[\s\S]*"kty"\s*:/;
/** Runs of base64 long enough to hold a key (32 bytes are 43 characters). */
const BASE64_RUN = /[A-Za-z0-9+/]{43,}={0,2}/g;
/** The `p=` value of a DKIM key record inside a text. */
const DKIM_P = /(?:^|;)\s*p\s*=\s*([A-Za-z0-9+/=\s]*?)\s*(?:;|$)/;
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** The first private key material in `text`, or undefined. Never throws. */
export function findPrivateKey(text: string): PrivateKeyFinding | undefined {
  if (typeof text !== "string" || text.length < 40) return undefined;
  const pem = PEM_PRIVATE.exec(text);
  if (pem) return { kind: "pem", what: `a PEM "${pem[1]}" block` };
  if (PUTTY.test(text)) return { kind: "putty", what: "a PuTTY private key file" };
  if (text.includes('"d"') && JWK_PRIVATE.test(text)) return { kind: "jwk", what: 'a JSON Web Key with its private member "d"' };
  for (const run of text.match(BASE64_RUN) ?? []) {
    const found = privateKeyBytes(Buffer.from(run, "base64"));
    if (found) return found;
  }
  if (/^\s*v\s*=\s*DKIM1\b|(?:^|;)\s*k\s*=\s*ed25519\b/i.test(text)) {
    const p = DKIM_P.exec(text)?.[1].replace(/\s+/g, "");
    if (p && /^[A-Za-z0-9+/]{43}=?$/.test(p)) {
      const bytes = Buffer.from(p, "base64");
      if (bytes.length === 32 && !isEd25519Point(bytes)) return ED25519_SEED;
    }
  }
  return undefined;
}

/** The finding for 32 bytes given as an Ed25519 public key that are no point of the curve. */
export const ED25519_SEED: PrivateKeyFinding = { kind: "ed25519-seed", what: "32 bytes that are not an Ed25519 public key (not a point of the curve): the private seed of an Ed25519 key" };

/** A decoded base64 value that is private key material, or undefined. */
export function privateKeyBytes(der: Buffer): PrivateKeyFinding | undefined {
  if (der.length === 64 && isEd25519KeyPair(der)) return { kind: "ed25519-key-pair", what: "an Ed25519 private key (the 64-byte seed and public key of libsodium and rspamd)" };
  const form = privateDerForm(der);
  return form ? { kind: "der", what: `a private key in base64 DER form: ${form}` } : undefined;
}

/**
 * `SEQUENCE { INTEGER 0|1, … }`: the start of every private key structure (PKCS#8 and its v2
 * OneAsymmetricKey, PKCS#1 RSAPrivateKey, SEC1 ECPrivateKey). Public structures start with
 * `SEQUENCE { SEQUENCE` (SubjectPublicKeyInfo) or `SEQUENCE { INTEGER <modulus>` (PKCS#1
 * RSAPublicKey, whose first INTEGER is long). The form is named when node:crypto reads it.
 */
function privateDerForm(der: Buffer): string | undefined {
  if (der.length < 8 || der[0] !== 0x30) return undefined;
  const lengthOctets = der[1] < 0x80 ? 0 : der[1] - 0x80;
  if (lengthOctets > 3) return undefined;
  const at = 2 + lengthOctets;
  if (der[at] !== 0x02 || der[at + 1] !== 0x01 || (der[at + 2] !== 0x00 && der[at + 2] !== 0x01)) return undefined;
  const next = der[at + 3];
  // What follows the version: PKCS#8 an AlgorithmIdentifier (SEQUENCE), PKCS#1 the modulus
  // (INTEGER), SEC1 the private key (OCTET STRING).
  if (next !== 0x30 && next !== 0x02 && next !== 0x04) return undefined;
  for (const type of ["pkcs8", "pkcs1", "sec1"] as const) {
    try {
      const key = createPrivateKey({ key: der, format: "der", type });
      return `${KEY_TYPES[key.asymmetricKeyType ?? ""] ?? "a"} key, ${FORMS[type]}`;
    } catch {
      // not this form, or cut short
    }
  }
  return next === 0x30 ? "PKCS#8, cut short" : next === 0x02 ? "an RSA key, PKCS#1, cut short" : "an EC key, SEC1, cut short";
}

const KEY_TYPES: Record<string, string> = { rsa: "an RSA", ec: "an EC", ed25519: "an Ed25519", ed448: "an Ed448", dsa: "a DSA", x25519: "an X25519" };
const FORMS = { pkcs8: "PKCS#8", pkcs1: "PKCS#1", sec1: "SEC1" } as const;

/** libsodium's 64-byte secret key: a seed whose public key is the other half. */
function isEd25519KeyPair(bytes: Buffer): boolean {
  try {
    const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, bytes.subarray(0, 32)]), format: "der", type: "pkcs8" });
    return createPublicKey(key).export({ type: "spki", format: "der" }).subarray(12).equals(bytes.subarray(32));
  } catch {
    return false;
  }
}

// RFC 8032 §5.1.3: decoding a point. Node's crypto accepts any 32 bytes as an Ed25519 public key
// (it checks nothing until a signature is verified), so the check is written here: a few lines of
// modular arithmetic.
const P = 2n ** 255n - 19n;
const D = mod(-121665n * inverse(121666n));
const SQRT_M1 = power(2n, (P - 1n) / 4n);

/** Whether 32 bytes are the encoding of a point of edwards25519, which every public key is. */
export function isEd25519Point(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(bytes[i]);
  const sign = y >> 255n;
  y &= (1n << 255n) - 1n;
  if (y >= P) return false;
  const yy = mod(y * y);
  const u = mod(yy - 1n);
  const v = mod(D * yy + 1n);
  const v3 = mod(v * v * v);
  let x = mod(u * v3 * power(mod(u * v3 * v3 * v), (P - 5n) / 8n));
  const vxx = mod(v * x * x);
  if (vxx === mod(-u)) x = mod(x * SQRT_M1);
  else if (vxx !== u) return false;
  return !(x === 0n && sign === 1n);
}

function mod(a: bigint): bigint {
  const r = a % P;
  return r < 0n ? r + P : r;
}

function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = mod(result * b);
    b = mod(b * b);
  }
  return result;
}

function inverse(a: bigint): bigint {
  return power(a, P - 2n);
}

/**
 * The one message for private key material, wherever it is found: what it is, that it must never
 * be published, and what to give instead.
 */
export function privateKeyMessage(where: string, finding: PrivateKeyFinding): string {
  return `${where} holds a PRIVATE key (${finding.what}). Never publish a private key: DNS is public, and anyone who reads it can sign mail as your domain; if it was shared anywhere, generate a new key pair. Paste the PUBLIC key instead (openssl pkey -in private.pem -pubout prints it).`;
}
