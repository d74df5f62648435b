/**
 * The private-key detector: every form a private key is pasted in is found, in any text; no
 * public key, certificate or verification token is taken for one.
 */
import { generateKeyPairSync } from "node:crypto";
import { findPrivateKey, isEd25519Point } from "../../components/records/private-key";
import { ed25519SeedOffCurve } from "../support/keys";

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const ed = generateKeyPairSync("ed25519");
const body = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
const pem = (key: typeof rsa.privateKey, type: "pkcs8" | "pkcs1" | "sec1") => key.export({ type, format: "pem" }).toString();
const der64 = (key: typeof rsa.privateKey, type: "pkcs8" | "pkcs1" | "sec1") => key.export({ type, format: "der" }).toString("base64");
const edSeed = (key: typeof ed.privateKey) => key.export({ type: "pkcs8", format: "der" }).subarray(16);
const edPublic = (key: typeof ed.publicKey) => key.export({ type: "spki", format: "der" }).subarray(12);

describe("private key material is found", () => {
  const off = ed25519SeedOffCurve();
  test.each([
    ["a PKCS#8 PEM", pem(rsa.privateKey, "pkcs8"), "pem"],
    ["a PKCS#1 PEM", pem(rsa.privateKey, "pkcs1"), "pem"],
    ["a SEC1 PEM", pem(ec.privateKey, "sec1"), "pem"],
    ["an Ed25519 PKCS#8 PEM", pem(ed.privateKey, "pkcs8"), "pem"],
    ["an encrypted PEM", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----", "pem"],
    ["an OpenSSH private key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----", "pem"],
    ["a PEM inside other text", `token=abc ${pem(rsa.privateKey, "pkcs8")} more`, "pem"],
    ["a PuTTY key file", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20240101", "putty"],
    ["a base64 PKCS#8 body", der64(rsa.privateKey, "pkcs8"), "der"],
    ["a base64 PKCS#1 body", der64(rsa.privateKey, "pkcs1"), "der"],
    ["a base64 SEC1 body", der64(ec.privateKey, "sec1"), "der"],
    ["a base64 Ed25519 PKCS#8 body", der64(ed.privateKey, "pkcs8"), "der"],
    ["a PEM body without its armor lines, as 64-character lines", body(pem(rsa.privateKey, "pkcs8")).match(/.{1,64}/g)!.join("\n"), "der"],
    ["the first line of a PKCS#1 body only (cut short)", body(pem(rsa.privateKey, "pkcs1")).slice(0, 64), "der"],
    ["a private key as a DKIM p=", `v=DKIM1; k=rsa; p=${der64(rsa.privateKey, "pkcs8")}`, "der"],
    ["a JSON Web Key with d", JSON.stringify(rsa.privateKey.export({ format: "jwk" })), "jwk"],
    ["an Ed25519 JWK with d", JSON.stringify(ed.privateKey.export({ format: "jwk" })), "jwk"],
    ["libsodium's 64-byte Ed25519 secret key", Buffer.concat([edSeed(ed.privateKey), edPublic(ed.publicKey)]).toString("base64"), "ed25519-key-pair"],
    ["an Ed25519 seed as p= of a DKIM record", `v=DKIM1; k=ed25519; p=${off.seed.toString("base64")}`, "ed25519-seed"],
    ["an Ed25519 seed as p= without v=", `k=ed25519; p=${off.seed.toString("base64")}`, "ed25519-seed"],
  ])("%s", (_title, text, kind) => {
    expect(findPrivateKey(text)?.kind).toBe(kind);
  });
});

describe("public material is not taken for a private key", () => {
  const off = ed25519SeedOffCurve();
  test.each([
    ["an SPKI PEM", rsa.publicKey.export({ type: "spki", format: "pem" }).toString()],
    ["a PKCS#1 public PEM", rsa.publicKey.export({ type: "pkcs1", format: "pem" }).toString()],
    ["a base64 SPKI (a DKIM p=)", rsa.publicKey.export({ type: "spki", format: "der" }).toString("base64")],
    ["a base64 PKCS#1 public key", rsa.publicKey.export({ type: "pkcs1", format: "der" }).toString("base64")],
    ["an EC SPKI", ec.publicKey.export({ type: "spki", format: "der" }).toString("base64")],
    ["a DKIM RSA record", `v=DKIM1; k=rsa; p=${rsa.publicKey.export({ type: "spki", format: "der" }).toString("base64")}`],
    ["a DKIM Ed25519 record (RFC 8463's example)", "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="],
    ["the public key of a seed that is off the curve", `v=DKIM1; k=ed25519; p=${off.publicRaw.toString("base64")}`],
    ["a public JWK", JSON.stringify(rsa.publicKey.export({ format: "jwk" }))],
    ["a Google site verification token", "google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ"],
    ["an SPF record", "v=spf1 include:_spf.google.com ip4:192.0.2.0/24 -all"],
    ["a DMARC record", "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"],
    ["a 64-byte random value", Buffer.alloc(64, 7).toString("base64")],
    ["a long base64 value", Buffer.alloc(3000, 0x41).toString("base64")],
    ["an empty string", ""],
  ])("%s", (_title, text) => {
    expect(findPrivateKey(text)).toBeUndefined();
  });

  test("a non-string is not a finding", () => {
    expect(findPrivateKey(42 as never)).toBeUndefined();
  });
});

describe("isEd25519Point (RFC 8032 §5.1.3)", () => {
  test("every real public key is a point", () => {
    for (let i = 0; i < 50; i++) expect(isEd25519Point(edPublic(generateKeyPairSync("ed25519").publicKey))).toBe(true);
  });
  test("RFC 8032's test vector 1 public key is a point", () => {
    expect(isEd25519Point(Buffer.from("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "hex"))).toBe(true);
  });
  test("a y at or above the field prime is not", () => {
    expect(isEd25519Point(Buffer.from("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "hex"))).toBe(false);
  });
  test("roughly half of random byte strings are not", () => {
    let off = 0;
    for (let i = 0; i < 200; i++) if (!isEd25519Point(Buffer.alloc(32, i).map((b, j) => (b * 31 + j * 17) & 0xff))) off++;
    expect(off).toBeGreaterThan(50);
    expect(off).toBeLessThan(150);
  });
  test("wrong lengths are not", () => {
    expect(isEd25519Point(Buffer.alloc(31))).toBe(false);
  });
});
