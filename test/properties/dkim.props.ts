/**
 * Properties of the DKIM key record core. Keys are generated once, at module load (RSA generation
 * is slow): the per-case bodies only pick among them.
 */
import { isDeepStrictEqual } from "node:util";
import { KeyObject, generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { NamedProperty, parserProperties, recordishString, wellFormed } from "./property";
import { DkimKeyRecord, buildDkimRecord, parseDkim, publicKeyToDkim, renderDkim, validateDkimArgs } from "../../components/records/dkim";
import { Diagnostic } from "../../components/records/diagnostics";

const rsa1024 = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey;
const rsa2048 = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;
const ed = generateKeyPairSync("ed25519").publicKey;
const spki = (k: KeyObject) => k.export({ type: "spki", format: "der" }) as Buffer;
const P1024 = spki(rsa1024).toString("base64");
const P2048 = spki(rsa2048).toString("base64");
const ED_RAW = spki(ed).subarray(12).toString("base64");
const PEMS = [rsa1024, rsa2048, ed].map((k) => k.export({ type: "spki", format: "pem" }) as string);

const FRAGMENTS = [
  "v=DKIM1", "v=DKIM1;", "k=rsa", "k=ed25519", "p=", "h=sha256", "h=sha1", "s=email", "s=*", "t=y", "t=s", "n=", "g=*",
  "V=DKIM1", "P=", "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ", P1024.slice(0, 60), P1024, ED_RAW, "=", "==", '" "',
  "-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----", "-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PUBLIC KEY-----",
];

const wellFormedAll = (ds: readonly Diagnostic[]): boolean => wellFormed(ds, ["dkim", "txt", "name", "args"]);

const arbitraryText = fc.oneof(recordishString(FRAGMENTS), fc.string(), fc.string({ unit: "binary" }));

/** A tag value: VALCHAR words joined by single spaces (RFC 6376 §3.2). */
const word = fc.stringMatching(/^[\x21-\x3a\x3c-\x7e]{1,8}$/);
const tagValue = fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(" "));
const extraName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,5}$/).filter((n) => !["v", "k", "h", "s", "t", "n", "p"].includes(n.toLowerCase()));

/** Valid key records: real keys of the right type, usable h= and s= lists. */
const validModel: fc.Arbitrary<DkimKeyRecord> = fc
  .record(
    {
      version: fc.constant("DKIM1" as const),
      key: fc.constantFrom<[string | undefined, string]>([undefined, P2048], ["rsa", P2048], ["rsa", P1024], ["ed25519", ED_RAW], ["rsa", ""], ["ed25519", ""], [undefined, ""]),
      hashAlgorithms: fc.constantFrom<string[]>(["sha256"], ["sha1", "sha256"], ["sha256", "sha1"]),
      serviceTypes: fc.constantFrom<string[]>(["*"], ["email"], ["email", "*"]),
      flags: fc.constantFrom<string[]>(["y"], ["s"], ["y", "s"], ["s", "y"]),
      notes: fc.oneof(fc.constant(""), tagValue),
      extraTags: fc.uniqueArray(fc.record({ name: extraName, value: fc.oneof(fc.constant(""), tagValue) }, { noNullPrototype: true }), { minLength: 1, maxLength: 3, selector: (t) => t.name }),
    },
    { requiredKeys: ["key"], noNullPrototype: true },
  )
  .map(({ key, ...rest }) => {
    const model: DkimKeyRecord = { ...rest, publicKey: key[1] };
    if (key[0] !== undefined) model.keyType = key[0];
    return model;
  });

/** The presentation forms people paste a public key in. */
const pastedKey = fc
  .record({ index: fc.constantFrom(0, 1, 2), form: fc.constantFrom("pem", "base64", "wrapped", "quoted", "record"), width: fc.integer({ min: 4, max: 255 }) })
  .map(({ index, form, width }) => {
    const p = [P1024, P2048, ED_RAW][index];
    const cut = (s: string) => s.match(new RegExp(`.{1,${width}}`, "g")) ?? [s];
    const k = index === 2 ? "ed25519" : "rsa";
    const input = form === "pem" ? PEMS[index]
      : form === "base64" ? p
        : form === "wrapped" ? cut(p).join("\n ")
          : form === "quoted" ? cut(p).map((c) => `"${c}"`).join(" ")
            : `v=DKIM1; k=${k}; p=${p}`;
    return { input, p, k };
  });

export const properties: NamedProperty[] = [
  ...parserProperties({ kind: "dkim", parse: parseDkim, render: renderDkim, texts: arbitraryText, models: validModel, namespaces: ["dkim", "txt", "name"] }),
  {
    name: "dkim: publicKeyToDkim never throws on arbitrary text",
    property: fc.property(arbitraryText, (text) => {
      const k = publicKeyToDkim(text);
      return typeof k.p === "string" && wellFormedAll(k.diagnostics) && (k.p === "" || k.diagnostics.every((d) => d.severity !== "error" || d.code.startsWith("dkim.rsa")));
    }),
  },
  {
    name: "dkim: publicKeyToDkim reads every pasted form of a key to the same p=",
    property: fc.property(pastedKey, ({ input, p, k }) => {
      const r = publicKeyToDkim(input);
      return r.p === p && r.keyType === k && r.diagnostics.every((d) => d.severity !== "error");
    }),
  },
  {
    name: "dkim: a built record never carries text beyond the key (injection)",
    property: fc.property(fc.oneof(arbitraryText, fc.constantFrom(...FRAGMENTS).map((f) => `${P2048}${f}`)), (text) => {
      const b = buildDkimRecord({ publicKey: text });
      if (b.diagnostics.some((d) => d.severity === "error")) return true;
      const back = parseDkim(renderDkim(b.model));
      return isDeepStrictEqual(back.model, b.model) && back.diagnostics.every((d) => d.severity !== "error");
    }),
  },
  {
    name: "dkim: validateDkimArgs never throws on arbitrary values",
    property: fc.property(
      fc.oneof(
        fc.anything({ maxDepth: 2, maxKeys: 4 }),
        fc.array(fc.dictionary(fc.constantFrom("selector", "algorithm", "publicKey", "cnameTarget", "revoked", "testing", "x"), fc.oneof(arbitraryText, fc.anything({ maxDepth: 1, maxKeys: 3 })), { maxKeys: 4 }), { maxLength: 3 }),
      ),
      (args) => {
        return wellFormedAll(validateDkimArgs(args));
      },
    ),
  },
];
