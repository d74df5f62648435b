import { KeyObject, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { dkimSign, dkimVerify } from "mailauth";
import {
  buildDkimRecord, inspectDkimPublicKey, isDkimKeyRecord, parseDkim, publicKeyToDkim, renderDkim, renderSigningConfigs,
  validateDkim, validateDkimArgs, DkimKeyRecord,
} from "../../components/records/dkim";
import { Diagnostic } from "../../components/records/diagnostics";
import { DkimAlgorithm } from "../../components/records/enums";
import { ed25519SeedOffCurve } from "../support/keys";

// Real keys, generated once per file (RSA generation is slow). Sizes no generator produces
// (512, 8192 bits) are built from a random modulus: key import does not check primality.
const rsa1024 = generateKeyPairSync("rsa", { modulusLength: 1024 });
const rsa2048 = generateKeyPairSync("rsa", { modulusLength: 2048 });
const rsa4096 = generateKeyPairSync("rsa", { modulusLength: 4096 });
const ed = generateKeyPairSync("ed25519");
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const fakeRsa = (bits: number): KeyObject => {
  const n = randomBytes(bits / 8);
  n[0] |= 0x80;
  n[n.length - 1] |= 1;
  return createPublicKey({ key: { kty: "RSA", n: n.toString("base64url"), e: "AQAB" }, format: "jwk" });
};
const spki = (k: KeyObject) => k.export({ type: "spki", format: "der" }) as Buffer;
const pem = (k: KeyObject) => k.export({ type: "spki", format: "pem" }) as string;
const P1024 = spki(rsa1024.publicKey).toString("base64");
const P2048 = spki(rsa2048.publicKey).toString("base64");
const P4096 = spki(rsa4096.publicKey).toString("base64");
const P512 = spki(fakeRsa(512)).toString("base64");
const P8192 = spki(fakeRsa(8192)).toString("base64");
const ED_SPKI = spki(ed.publicKey).toString("base64");
const ED_RAW = spki(ed.publicKey).subarray(12).toString("base64");
const P_PKCS1 = (rsa2048.publicKey.export({ type: "pkcs1", format: "der" }) as Buffer).toString("base64");
const P_EC = spki(ec.publicKey).toString("base64");
const PRIVATE_DER = (rsa1024.privateKey.export({ type: "pkcs8", format: "der" }) as Buffer).toString("base64");
const SEED = ed25519SeedOffCurve().seed.toString("base64");
const ED_KEY_PAIR = Buffer.concat([(ed.privateKey.export({ type: "pkcs8", format: "der" }) as Buffer).subarray(16), spki(ed.publicKey).subarray(12)]).toString("base64");

// RFC 8463 Appendix A.2, the two example key records (strings joined).
const RFC8463_ED25519 = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
const RFC8463_RSA =
  "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR" +
  "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC" +
  "DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3" +
  "Ip3G+2kryOTIKT+l/K4w3QIDAQAB";

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === "error");
const find = (ds: Diagnostic[], code: string) => ds.find((d) => d.code === code);

describe("real published DKIM key records parse with no error", () => {
  test("a 2048-bit RSA record as Google Workspace publishes it (v=DKIM1; k=rsa; p=<SPKI>)", () => {
    const r = parseDkim(`v=DKIM1; k=rsa; p=${P2048}`);
    expect(r.diagnostics).toEqual([]);
    expect(r.model).toEqual({ version: "DKIM1", keyType: "rsa", publicKey: P2048 });
    expect(inspectDkimPublicKey(P2048).key).toEqual({ type: "rsa", bits: 2048 });
  });
  test("RFC 8463 Appendix A.2 Ed25519 record", () => {
    const r = parseDkim(RFC8463_ED25519);
    expect(r.diagnostics).toEqual([]);
    expect(inspectDkimPublicKey(r.model.publicKey ?? "", "ed25519").key).toEqual({ type: "ed25519", bits: 256 });
  });
  test("RFC 8463 Appendix A.2 RSA record (1024 bits: valid, with the RFC 8301 warning)", () => {
    const r = parseDkim(RFC8463_RSA);
    expect(errors(r.diagnostics)).toEqual([]);
    expect(codes(r.diagnostics)).toEqual(["dkim.rsa-key-weak"]);
  });
  test("the seed article's record shape, with a real key (mail._domainkey, v=DKIM1; k=rsa; p=…)", () => {
    expect(errors(parseDkim(`v=DKIM1; k=rsa; p=${P2048}`).diagnostics)).toEqual([]);
  });
  test("a 4096-bit key, a record without v= and k= (both optional), and h=sha256; s=email", () => {
    expect(parseDkim(`p=${P4096}`).diagnostics).toEqual([]);
    expect(parseDkim(`v=DKIM1; h=sha256; s=email; p=${P2048}`).diagnostics).toEqual([]);
  });
  test("whitespace inside the base64 (FWS, allowed by the grammar) is stripped", () => {
    const r = parseDkim(`v=DKIM1; k=rsa; p=${P2048.slice(0, 100)} ${P2048.slice(100, 250)}\r\n\t${P2048.slice(250)}`);
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.model.publicKey).toBe(P2048);
  });
  test("a revoked key (p= empty) is an info, not an error", () => {
    const r = parseDkim("v=DKIM1; p=");
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([["dkim.revoked", "info"]]);
    expect(r.model.publicKey).toBe("");
  });
  test("t=s, a note and an unknown tag are information only", () => {
    const r = parseDkim(`v=DKIM1; k=rsa; t=s; n=rotated 2026-01; x_tool=abc; p=${P2048}`);
    expect(errors(r.diagnostics)).toEqual([]);
    expect(codes(r.diagnostics).sort()).toEqual(["dkim.strict-subdomains", "dkim.unknown-tag"]);
    expect(r.model.notes).toBe("rotated 2026-01");
    expect(r.model.extraTags).toEqual([{ name: "x_tool", value: "abc" }]);
  });
});

describe("RFC 6376 §3.6.1 / RFC 8301 / RFC 8463: bad key records, one code each", () => {
  const split = `${P2048.slice(0, 200)}" "${P2048.slice(200)}`;
  const urlsafe = P2048.replace(/\+/g, "-").replace(/\//g, "_");
  const table: [string, string, string, ("error" | "warning" | "info")?][] = [
    ["v= not first", `k=rsa; v=DKIM1; p=${P2048}`, "dkim.version-not-first"],
    ["unknown version", `v=DKIM2; p=${P2048}`, "dkim.invalid-version"],
    ["lower-case version value", `v=dkim1; p=${P2048}`, "dkim.invalid-version"],
    ["unknown key type", `v=DKIM1; k=dsa; p=${P2048}`, "dkim.unknown-key-type"],
    ["upper-case key type (values are case-sensitive)", `v=DKIM1; k=RSA; p=${P2048}`, "dkim.unknown-key-type"],
    ["empty k=", `v=DKIM1; k=; p=${P2048}`, "dkim.unknown-key-type"],
    ["no p= at all", "v=DKIM1; k=rsa", "dkim.missing-key"],
    ["upper-case tag name P=", `v=DKIM1; P=${P2048}`, "dkim.tag-case"],
    ["a character outside base64", `v=DKIM1; p=${P2048.slice(0, 40)}!${P2048.slice(41)}`, "dkim.invalid-base64"],
    ["base64url instead of base64", `v=DKIM1; p=${urlsafe}`, "dkim.invalid-base64"],
    ["too much padding", `v=DKIM1; p=${P2048}==`, "dkim.invalid-base64"],
    ["quotes of a split TXT value copied into p=", `v=DKIM1; k=rsa; p=${split}`, "dkim.quoted-key"],
    ["the record copied with its zone-file quotes", `"v=DKIM1; k=rsa; p=${P2048}"`, "dkim.quoted-record"],
    ["key cut at 255 characters", `v=DKIM1; k=rsa; p=${P2048.slice(0, 236)}`, "dkim.invalid-key"],
    ["raw Ed25519 key with k=rsa", `v=DKIM1; k=rsa; p=${ED_RAW}`, "dkim.key-type-mismatch"],
    ["raw Ed25519 key without k= (default rsa)", `v=DKIM1; p=${ED_RAW}`, "dkim.key-type-mismatch"],
    ["RSA key with k=ed25519", `v=DKIM1; k=ed25519; p=${P2048}`, "dkim.key-type-mismatch"],
    ["Ed25519 SubjectPublicKeyInfo with k=ed25519", `v=DKIM1; k=ed25519; p=${ED_SPKI}`, "dkim.ed25519-spki"],
    ["Ed25519 SubjectPublicKeyInfo with k=rsa", `v=DKIM1; k=rsa; p=${ED_SPKI}`, "dkim.key-type-mismatch"],
    ["512-bit RSA key", `v=DKIM1; k=rsa; p=${P512}`, "dkim.rsa-key-too-short", "error"],
    ["1024-bit RSA key", `v=DKIM1; k=rsa; p=${P1024}`, "dkim.rsa-key-weak", "warning"],
    ["8192-bit RSA key", `v=DKIM1; k=rsa; p=${P8192}`, "dkim.rsa-key-too-long", "warning"],
    ["EC P-256 key", `v=DKIM1; p=${P_EC}`, "dkim.unsupported-key-algorithm"],
    ["a private key published as p=", `v=DKIM1; p=${PRIVATE_DER}`, "dkim.private-key"],
    ["an Ed25519 private seed published as p= (not a curve point)", `v=DKIM1; k=ed25519; p=${SEED}`, "dkim.private-key"],
    ["an Ed25519 private seed published as p= without k=", `v=DKIM1; p=${SEED}`, "dkim.private-key"],
    ["PKCS#1 RSAPublicKey (verifiers read SPKI)", `v=DKIM1; p=${P_PKCS1}`, "dkim.pkcs1-key", "warning"],
    ["missing base64 padding", `v=DKIM1; k=ed25519; p=${ED_RAW.replace(/=+$/, "")}`, "dkim.base64-padding", "warning"],
    ["h=sha1 only", `v=DKIM1; h=sha1; p=${P2048}`, "dkim.sha1-only"],
    ["h= with only an unknown hash", `v=DKIM1; h=sha512; p=${P2048}`, "dkim.no-usable-hash"],
    ["h= with an unknown hash beside sha256", `v=DKIM1; h=sha256:sha512; p=${P2048}`, "dkim.unknown-hash", "warning"],
    ["upper-case hash name", `v=DKIM1; h=SHA256; p=${P2048}`, "dkim.no-usable-hash"],
    ["empty h=", `v=DKIM1; h=; p=${P2048}`, "dkim.list-syntax"],
    ["s= without email or *", `v=DKIM1; s=web; p=${P2048}`, "dkim.service-type"],
    ["t=y testing flag", `v=DKIM1; t=y; p=${P2048}`, "dkim.testing", "warning"],
    ["duplicate p=", `v=DKIM1; p=${P2048}; p=${P1024}`, "dkim.duplicate-tag"],
    ["duplicate k=", `v=DKIM1; k=rsa; k=rsa; p=${P2048}`, "dkim.duplicate-tag"],
    ["a spec without =", `v=DKIM1; rsa; p=${P2048}`, "dkim.tag-syntax"],
    ["a line break inside p=", `v=DKIM1; p=${P2048.slice(0, 100)}\n${P2048.slice(100)}`, "dkim.tag-value-syntax"],
  ];
  // A rest parameter: jest would take a 4th declared parameter for a done callback on 3-item rows.
  test.each(table)("%s", (...[, text, code, severity]) => {
    const r = parseDkim(text);
    const d = find(r.diagnostics, code);
    expect(d).toBeDefined();
    expect(d?.severity).toBe(severity ?? "error");
    expect(d?.message.length).toBeGreaterThan(30);
  });
  test("the table has at least 20 distinct bad inputs", () => {
    expect(new Set(table.map((t) => t[1])).size).toBeGreaterThanOrEqual(20);
  });
  test("a duplicate tag and a 512-bit key break the standard; t=y and 1024 bits do not", () => {
    expect(find(parseDkim(`v=DKIM1; p=${P2048}; p=${P2048}`).diagnostics, "dkim.duplicate-tag")?.breaksStandard).toBe(true);
    expect(find(parseDkim(`p=${P512}`).diagnostics, "dkim.rsa-key-too-short")?.breaksStandard).toBe(true);
    expect(find(parseDkim(`t=y; p=${P2048}`).diagnostics, "dkim.testing")?.breaksStandard).toBe(false);
    expect(find(parseDkim(`p=${P1024}`).diagnostics, "dkim.rsa-key-weak")?.breaksStandard).toBe(false);
  });
  test("the Ed25519 SPKI error gives the raw key to publish", () => {
    expect(find(parseDkim(`k=ed25519; p=${ED_SPKI}`).diagnostics, "dkim.ed25519-spki")?.message).toContain(`p=${ED_RAW}`);
  });
  test("one problem, one diagnostic: a p= with a bad character is not also reported missing", () => {
    const r = parseDkim(`v=DKIM1; p=${P2048.slice(0, 50)}\u0000`);
    expect(codes(r.diagnostics)).toEqual(["dkim.tag-value-syntax"]);
  });
  test("a revoked key with k= of the other type is still only revoked", () => {
    expect(codes(parseDkim("v=DKIM1; k=ed25519; p=").diagnostics)).toEqual(["dkim.revoked"]);
  });
});

describe("cross-check with mailauth 4.13.3 (its key lookup as a verifier)", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { getPublicKey } = require("mailauth/lib/tools") as { getPublicKey: (t: string, n: string, min: number, r: () => Promise<string[][]>) => Promise<{ modulusLength?: number }> };
  const mailauthAccepts = async (txt: string) => {
    try {
      await getPublicKey("DKIM", "s._domainkey.example.com", 1024, async () => [[txt]]);
      return true;
    } catch {
      return false;
    }
  };
  test.each([
    [`v=DKIM1; k=rsa; p=${P2048}`, true],
    [RFC8463_ED25519, true],
    [RFC8463_RSA, true],
    [`v=DKIM1; k=rsa; p=${P512}`, false],
    [`v=DKIM1; k=rsa; p=${ED_RAW}`, false],
    [`v=DKIM1; k=ed25519; p=${P2048}`, false],
    ["v=DKIM1; k=rsa", false],
    [`v=DKIM2; p=${P2048}`, false],
  ])("%#: %s", async (txt, accepted) => {
    expect(await mailauthAccepts(txt)).toBe(accepted);
    expect(errors(parseDkim(txt).diagnostics).length === 0).toBe(accepted);
  });
  test("mailauth rejects a PKCS#1 p=, which is why it is a warning here and not silently accepted", async () => {
    expect(await mailauthAccepts(`v=DKIM1; p=${P_PKCS1}`)).toBe(false);
  });
  test.each([
    ["rsa 2048", rsa2048, "rsa"],
    ["ed25519", ed, "ed25519"],
  ] as const)("a message signed with the private key verifies against the built record (%s)", async (_n, pair, algorithm) => {
    const record = renderDkim(buildDkimRecord({ publicKey: pem(pair.publicKey) }).model);
    const message = "From: a@example.com\r\nTo: b@example.net\r\nSubject: test\r\nDate: Thu, 1 Jan 2026 00:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\nHello.\r\n";
    const privateKey = pair.privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    const signed = await dkimSign(message, { signatureData: [{ signingDomain: "example.com", selector: "s1", privateKey, algorithm: `${algorithm}-sha256` }] } as never);
    expect(signed.errors).toEqual([]);
    const resolver = async (name: string, type: string) => {
      if (name === "s1._domainkey.example.com" && type === "TXT") return [[record]];
      throw Object.assign(new Error("no such name"), { code: "ENOTFOUND" });
    };
    const verified = await dkimVerify(signed.signatures + message, { resolver } as never);
    expect(verified.results[0].status.result).toBe("pass");
  });
});

describe("render and round trip (RFC 6376 §3.6.1 canonical order v k h s t n p)", () => {
  test("a full model renders in canonical order and parses back", () => {
    const model: DkimKeyRecord = {
      version: "DKIM1", keyType: "rsa", hashAlgorithms: ["sha256"], serviceTypes: ["email"], flags: ["s"], notes: "ops team", extraTags: [{ name: "x", value: "1" }], publicKey: P2048,
    };
    const text = renderDkim(model);
    expect(text).toBe(`v=DKIM1; k=rsa; h=sha256; s=email; t=s; n=ops team; x=1; p=${P2048}`);
    const back = parseDkim(text);
    expect(back.model).toEqual(model);
    expect(errors(back.diagnostics)).toEqual([]);
  });
  test("a revoked Ed25519 model", () => {
    const model: DkimKeyRecord = { version: "DKIM1", keyType: "ed25519", publicKey: "" };
    expect(renderDkim(model)).toBe("v=DKIM1; k=ed25519; p=");
    expect(parseDkim(renderDkim(model)).model).toEqual(model);
  });
  test("validate checks a model built in code: injection through notes, extra tags, whitespace in p", () => {
    expect(codes(validateDkim({ notes: "hello; p=", publicKey: P2048 }))).toContain("dkim.tag-value-syntax");
    expect(codes(validateDkim({ extraTags: [{ name: "p", value: "x" }], publicKey: P2048 }))).toContain("dkim.duplicate-tag");
    expect(codes(validateDkim({ extraTags: [{ name: "a b", value: "x" }], publicKey: P2048 }))).toContain("dkim.tag-syntax");
    expect(codes(validateDkim({ publicKey: `${P2048.slice(0, 10)}\n${P2048.slice(10)}` }))).toContain("dkim.invalid-base64");
    expect(codes(validateDkim({ version: "DKIM2" as "DKIM1", publicKey: P2048 }))).toContain("dkim.invalid-version");
    expect(codes(validateDkim({}))).toEqual(["dkim.missing-key"]);
  });
  test("isDkimKeyRecord tells key records from SPF, DMARC and tokens", () => {
    expect(isDkimKeyRecord(`v=DKIM1; k=rsa; p=${P2048}`)).toBe(true);
    expect(isDkimKeyRecord(`k=rsa; p=${P2048}`)).toBe(true);
    expect(isDkimKeyRecord(`p=${P2048}`)).toBe(true);
    expect(isDkimKeyRecord("v=spf1 -all")).toBe(false);
    expect(isDkimKeyRecord("v=DMARC1; p=none")).toBe(false);
    expect(isDkimKeyRecord("google-site-verification=abc")).toBe(false);
  });
});

describe("publicKeyToDkim: whatever a person pastes as the public key", () => {
  const chunks = (s: string, n: number) => s.match(new RegExp(`.{1,${n}}`, "g")) ?? [];
  test.each([
    ["SPKI PEM", pem(rsa2048.publicKey)],
    ["PKCS#1 PEM (BEGIN RSA PUBLIC KEY)", rsa2048.publicKey.export({ type: "pkcs1", format: "pem" }) as string],
    ["bare p= value", P2048],
    ["p= value with line breaks and spaces", chunks(P2048, 64).join("\n  ")],
    ["quoted-split form from a DNS panel", chunks(P2048, 255).map((c) => `"${c}"`).join(" ")],
    ["a whole record", `v=DKIM1; k=rsa; p=${P2048}`],
    ["a whole record in quoted-split form", chunks(`v=DKIM1; k=rsa; p=${P2048}`, 255).map((c) => `"${c}"`).join(" ")],
    ["PKCS#1 base64", P_PKCS1],
    ["the inside of a quoted-split value (MIIB…\" \"…AQAB)", chunks(P2048, 200).join('" "')],
    ["a zone-file line", `mail._domainkey IN TXT ( ${chunks(`v=DKIM1; k=rsa; p=${P2048}`, 255).map((c) => `"${c}"`).join("\n  ")} )`],
  ])("RSA 2048 from %s", (_name, input) => {
    const k = publicKeyToDkim(input);
    expect(k).toMatchObject({ p: P2048, keyType: "rsa", bits: 2048 });
    expect(errors(k.diagnostics)).toEqual([]);
  });
  test.each([
    ["Ed25519 PEM", pem(ed.publicKey)],
    ["raw Ed25519 base64", ED_RAW],
    ["Ed25519 SPKI base64 (converted, with a note)", ED_SPKI],
    ["an Ed25519 record", `v=DKIM1; k=ed25519; p=${ED_RAW}`],
  ])("Ed25519 from %s", (_name, input) => {
    const k = publicKeyToDkim(input);
    expect(k).toMatchObject({ p: ED_RAW, keyType: "ed25519", bits: 256 });
    expect(errors(k.diagnostics)).toEqual([]);
  });
  test("notes say what was converted", () => {
    expect(codes(publicKeyToDkim(ED_SPKI).diagnostics)).toEqual(["dkim.ed25519-spki-converted"]);
    expect(codes(publicKeyToDkim(P_PKCS1).diagnostics)).toEqual(["dkim.pkcs1-converted"]);
    expect(codes(publicKeyToDkim(`v=DKIM1; p=${P2048}`).diagnostics)).toEqual(["dkim.record-pasted"]);
  });
  test("sizes: 4096 fine, 1024 warning, 512 error", () => {
    expect(publicKeyToDkim(pem(rsa4096.publicKey))).toMatchObject({ bits: 4096, diagnostics: [] });
    expect(codes(publicKeyToDkim(pem(rsa1024.publicKey)).diagnostics)).toEqual(["dkim.rsa-key-weak"]);
    expect(codes(publicKeyToDkim(P512).diagnostics)).toEqual(["dkim.rsa-key-too-short"]);
  });
  test.each([
    ["PKCS#8 PEM", rsa2048.privateKey.export({ type: "pkcs8", format: "pem" }) as string],
    ["PKCS#1 PEM", rsa2048.privateKey.export({ type: "pkcs1", format: "pem" }) as string],
    ["EC PEM", ec.privateKey.export({ type: "sec1", format: "pem" }) as string],
    ["Ed25519 PEM", ed.privateKey.export({ type: "pkcs8", format: "pem" }) as string],
    ["OpenSSH", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"],
    ["PKCS#8 DER base64", PRIVATE_DER],
    ["PKCS#1 DER base64", (rsa2048.privateKey.export({ type: "pkcs1", format: "der" }) as Buffer).toString("base64")],
    ["the first line of a PKCS#8 body (cut short)", PRIVATE_DER.slice(0, 64)],
    ["an Ed25519 seed (32 bytes off the curve)", SEED],
    ["an Ed25519 seed in a pasted record", `v=DKIM1; k=ed25519; p=${SEED}`],
    ["libsodium's 64-byte Ed25519 secret key", ED_KEY_PAIR],
  ])("a private key (%s) is refused, never published", (_name, input) => {
    const k = publicKeyToDkim(input, "dkim[0].publicKey");
    expect(k.p).toBe("");
    expect(k.diagnostics.map((d) => [d.code, d.field])).toEqual([["dkim.private-key", "dkim[0].publicKey"]]);
    expect(k.diagnostics[0].message).toMatch(/never publish/i);
  });
  test.each([
    ["empty", "", "dkim.missing-key"],
    ["EC public key", pem(ec.publicKey), "dkim.unsupported-key-algorithm"],
    ["PEM without END line", pem(rsa2048.publicKey).split("-----END")[0], "dkim.invalid-key"],
    ["damaged PEM", pem(rsa2048.publicKey).replace(/\n[A-Za-z0-9+/]{20}/, "\n"), "dkim.invalid-key"],
    ["an unknown PEM label", "-----BEGIN FOO-----\nAAAA\n-----END FOO-----", "dkim.unrecognized-key-format"],
    ["key cut short", P2048.slice(0, 200), "dkim.invalid-key"],
    ["revoked record", "v=DKIM1; k=rsa; p=", "dkim.missing-key"],
    ["not base64 at all", "my public key", "dkim.invalid-key"],
    ["text with punctuation", "see attached!", "dkim.invalid-base64"],
  ])("%s is an error", (_name, input, code) => {
    const k = publicKeyToDkim(input);
    expect(k.p).toBe("");
    expect(codes(errors(k.diagnostics))).toContain(code);
  });
});

describe("buildDkimRecord: v=DKIM1; k=…; [t=y;] p=…", () => {
  test("RSA PEM from @pulumi/tls (SPKI)", () => {
    const b = buildDkimRecord({ publicKey: pem(rsa2048.publicKey) });
    expect(b.diagnostics).toEqual([]);
    expect(renderDkim(b.model)).toBe(`v=DKIM1; k=rsa; p=${P2048}`);
  });
  test("Ed25519 PEM gives the raw key", () => {
    expect(renderDkim(buildDkimRecord({ publicKey: pem(ed.publicKey) }).model)).toBe(`v=DKIM1; k=ed25519; p=${ED_RAW}`);
  });
  test("testing adds t=y with its warning", () => {
    const b = buildDkimRecord({ publicKey: P2048, testing: true });
    expect(renderDkim(b.model)).toBe(`v=DKIM1; k=rsa; t=y; p=${P2048}`);
    expect(codes(b.diagnostics)).toEqual(["dkim.testing"]);
  });
  test("revoked publishes p= empty", () => {
    const b = buildDkimRecord({ revoked: true });
    expect(renderDkim(b.model)).toBe("v=DKIM1; k=rsa; p=");
    expect(errors(b.diagnostics)).toEqual([]);
  });
  test("no key and not revoked is an error", () => {
    expect(codes(buildDkimRecord({}).diagnostics)).toEqual(["dkim.missing-key"]);
  });
  test("a key with text appended cannot add a tag to the record (injection)", () => {
    const b = buildDkimRecord({ publicKey: `${P2048}; t=y` });
    expect(errors(b.diagnostics).length).toBeGreaterThan(0);
    expect(b.model.flags).toBeUndefined();
    expect(renderDkim(b.model)).not.toContain("t=y");
  });
});

describe("validateDkimArgs: field paths (dkim[i].…)", () => {
  const key = pem(rsa2048.publicKey);
  test("valid entries give no diagnostic", () => {
    expect(validateDkimArgs([
      { selector: "s2026" },
      { selector: "ed2026", algorithm: DkimAlgorithm.Ed25519 },
      { selector: "panel", publicKey: key },
      { selector: "selector1", cnameTarget: "selector1-example-com._domainkey.example.onmicrosoft.com" },
      { selector: "old", revoked: true },
    ])).toEqual([]);
  });
  const table: [string, unknown, string, string][] = [
    ["selector with an underscore", [{ selector: "mail_1" }], "name.selector-syntax", "dkim[0].selector"],
    ["empty selector", [{ selector: "" }], "name.selector-empty", "dkim[0].selector"],
    ["missing selector", [{}], "name.selector-empty", "dkim[0].selector"],
    ["selector with a ; (injection)", [{ selector: "mail; p=" }], "name.selector-syntax", "dkim[0].selector"],
    ["duplicate selector, other case", [{ selector: "Mail" }, { selector: "mail" }], "dkim.duplicate-selector", "dkim[1].selector"],
    ["rsa1024 from YAML", [{ selector: "a", algorithm: "rsa1024" }], "dkim.invalid-algorithm", "dkim[0].algorithm"],
    ["enum key name instead of value", [{ selector: "a", algorithm: "Rsa2048" }], "dkim.invalid-algorithm", "dkim[0].algorithm"],
    ["publicKey and cnameTarget", [{ selector: "a", publicKey: key, cnameTarget: "a.example.net" }], "dkim.conflicting-key-source", "dkim[0]"],
    ["cnameTarget with a space", [{ selector: "a", cnameTarget: "a b.example.net" }], "name.invalid-character", "dkim[0].cnameTarget"],
    ["cnameTarget single label", [{ selector: "a", cnameTarget: "localhost" }], "dkim.invalid-cname-target", "dkim[0].cnameTarget"],
    ["revoked with cnameTarget", [{ selector: "a", cnameTarget: "a.example.net", revoked: true }], "dkim.cname-with-record-options", "dkim[0].revoked"],
    ["testing with cnameTarget", [{ selector: "a", cnameTarget: "a.example.net", testing: true }], "dkim.cname-with-record-options", "dkim[0].testing"],
    ["private key as publicKey", [{ selector: "a", publicKey: rsa2048.privateKey.export({ type: "pkcs8", format: "pem" }) }], "dkim.private-key", "dkim[0].publicKey"],
    ["512-bit publicKey", [{ selector: "a", publicKey: P512 }], "dkim.rsa-key-too-short", "dkim[0].publicKey"],
    ["garbage publicKey", [{ selector: "a", publicKey: "abc" }], "dkim.invalid-key", "dkim[0].publicKey"],
    ["publicKey not a string", [{ selector: "a", publicKey: 42 }], "dkim.invalid-arguments", "dkim[0].publicKey"],
    ["algorithm ed25519 with an RSA key", [{ selector: "a", algorithm: "ed25519", publicKey: key }], "dkim.algorithm-mismatch", "dkim[0].algorithm"],
    ["misspelled argument", [{ selector: "a", publickey: key }], "args.unknown", "dkim[0].publickey"],
    ["testing as a string", [{ selector: "a", testing: "yes" }], "dkim.invalid-arguments", "dkim[0].testing"],
    ["not a list", { selector: "a" }, "dkim.invalid-arguments", "dkim"],
    ["entry not an object", ["mail"], "dkim.invalid-arguments", "dkim[0]"],
  ];
  test.each(table)("%s", (_name, args, code, field) => {
    const ds = validateDkimArgs(args);
    expect(ds.map((d) => [d.code, d.field])).toContainEqual([code, field]);
    expect(find(ds, code)?.severity).toBe("error");
  });
  test("rsa1024 says what is allowed and why 1024 is refused", () => {
    const m = find(validateDkimArgs([{ selector: "a", algorithm: "rsa1024" }]), "dkim.invalid-algorithm")?.message ?? "";
    expect(m).toContain("rsa2048");
    expect(m).toContain("ed25519");
    expect(m).toMatch(/RFC 8301/);
  });
  test("warnings: 1024-bit key, revoked with a key, algorithm size different from the key", () => {
    expect(validateDkimArgs([{ selector: "a", publicKey: P1024 }]).map((d) => [d.code, d.severity, d.field])).toEqual([["dkim.rsa-key-weak", "warning", "dkim[0].publicKey"]]);
    expect(codes(validateDkimArgs([{ selector: "a", publicKey: key, revoked: true }]))).toEqual(["dkim.revoked-with-key"]);
    expect(validateDkimArgs([{ selector: "a", algorithm: "rsa4096", publicKey: key }]).map((d) => [d.code, d.severity])).toEqual([["dkim.algorithm-mismatch", "warning"]]);
  });
  test("a custom field prefix", () => {
    expect(validateDkimArgs([{ selector: "a b" }], "domains[2].dkim")[0].field).toBe("domains[2].dkim[0].selector");
  });
});

describe("renderSigningConfigs: Exim, Postfix + OpenDKIM, rspamd", () => {
  const c = renderSigningConfigs({ domain: "Example.COM", selector: "s2026", algorithm: "rsa" });
  const path = "/etc/dkim/example.com.s2026.key";
  test("default key path, in all three", () => {
    expect(c.privateKeyPath).toBe(path);
    for (const text of [c.exim, c.opendkim, c.rspamd]) {
      expect(text).toContain(path);
      expect(text).toContain("0600");
      expect(text).not.toContain("-----BEGIN");
    }
  });
  test("Exim remote_smtp transport options", () => {
    expect(c.exim).toMatch(/^remote_smtp:\n {2}driver = smtp\n {2}dkim_domain = example\.com\n {2}dkim_selector = s2026\n {2}dkim_private_key = \/etc\/dkim\/example\.com\.s2026\.key\n {2}dkim_canon = relaxed$/m);
    expect(c.exim).toContain("DKIM_PRIVATE_KEY = /etc/dkim/example.com.s2026.key");
  });
  test("OpenDKIM KeyTable, SigningTable, opendkim.conf and Postfix milter lines", () => {
    expect(c.opendkim).toContain("\ns2026._domainkey.example.com example.com:s2026:/etc/dkim/example.com.s2026.key\n");
    expect(c.opendkim).toContain("\n*@example.com s2026._domainkey.example.com\n");
    expect(c.opendkim).toMatch(/^SigningTable\s+refile:\/etc\/opendkim\/SigningTable$/m);
    expect(c.opendkim).toMatch(/^Socket\s+inet:8891@localhost$/m);
    expect(c.opendkim).toContain("\nsmtpd_milters = inet:localhost:8891\nnon_smtpd_milters = $smtpd_milters\n");
  });
  test("rspamd dkim_signing.conf", () => {
    expect(c.rspamd).toContain(`domain {\n  example.com {\n    path = "${path}";\n    selector = "s2026";\n  }\n}`);
  });
  test("Ed25519 caveats", () => {
    const e = renderSigningConfigs({ domain: "example.com", selector: "ed1", algorithm: "ed25519", privateKeyPath: "/srv/keys/ed1.pem" });
    expect(e.exim).toContain("Exim 4.92");
    expect(e.opendkim).toContain("OpenDKIM 2.11");
    expect(e.opendkim).toContain("MultipleSignatures yes");
    expect(e.rspamd).toContain("rspamadm dkim_keygen -t ed25519");
    expect(e.rspamd).toContain('path = "/srv/keys/ed1.pem"');
    expect(c.exim).not.toContain("Ed25519");
  });
  test("an IDN domain is written as its A-label", () => {
    expect(renderSigningConfigs({ domain: "bücher.example", selector: "s", algorithm: "rsa" }).opendkim).toContain("*@xn--bcher-kva.example ");
  });
  test.each([
    ["a path with a space", { privateKeyPath: "/etc/my keys/k" }],
    ["a relative path", { privateKeyPath: "keys/k" }],
    ["a path with $ (Exim expansion)", { privateKeyPath: "/etc/${x}" }],
    ["a selector with a newline", { selector: "s\nx" }],
    ["a domain with a space", { domain: "exa mple.com" }],
  ])("%s throws (the component validates first)", (_name, override) => {
    expect(() => renderSigningConfigs({ domain: "example.com", selector: "s", algorithm: "rsa", ...override })).toThrow(TypeError);
  });
});
