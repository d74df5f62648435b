/**
 * The one argument rule: unknown keys with the nearest known key, every wrong type as one
 * diagnostic that says what to write, sizes, null, private keys. Run against the real schemas.
 */
import { generateKeyPairSync } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { MAIL_DOMAIN_ARGS } from "../../components/args";
import { DEFAULT_MAX_ITEMS, DEFAULT_MAX_OCTETS, checkArgs, flowStyle } from "../../components/records/args-schema";
import { Diagnostic } from "../../components/records/diagnostics";
import { SPF_ARGS } from "../../components/records/spf";

const check = (args: unknown) => checkArgs(args, MAIL_DOMAIN_ARGS, "");
const only = (ds: Diagnostic[]) => {
  expect(ds).toHaveLength(1);
  return ds[0];
};
const base = { domain: "example.com", cloudflare: {} };

describe("unknown keys: named with their path and the nearest known key", () => {
  test.each([
    [{ ...base, spff: { mx: true } }, "spff", "did you mean `spf`?"],
    [{ ...base, cloudflare: { zonename: "example.com" } }, "cloudflare.zonename", "did you mean `zoneName`? (argument names are case-sensitive)"],
    [{ domain: "example.com", route53: { zoneid: "Z1" } }, "route53.zoneid", "did you mean `zoneId`?"],
    [{ domain: "example.com", route53: { alowOverwrite: true } }, "route53.alowOverwrite", "did you mean `allowOverwrite`?"],
    [{ ...base, spf: { includes: ["_spf.google.com"] } }, "spf.includes", "did you mean `include`?"],
    [{ ...base, spf: { ipv4: ["192.0.2.1"] } }, "spf.ipv4", "did you mean `ip4`?"],
    [{ ...base, dkim: [{ selector: "s1" }, { selector: "s2", publickey: "x" }] }, "dkim[1].publickey", "did you mean `publicKey`?"],
    [{ ...base, dmarc: { policy: "reject", pct: 50 } }, "dmarc.pct", "did you mean `percent`? (`pct` is the record's tag"],
    [{ ...base, dmarc: { policy: "reject", subdomainpolicy: "reject" } }, "dmarc.subdomainpolicy", "did you mean `subdomainPolicy`?"],
    [{ ...base, mtaSts: { mode: "testing", max_age: 86400 } }, "mtaSts.max_age", "did you mean `maxAge`?"],
    [{ ...base, tlsRpt: { rua: ["mailto:t@example.com"], ruf: [] } }, "tlsRpt.ruf", "did you mean `rua`?"],
    [{ ...base, bimi: { logoUrl: "https://example.com/l.svg", logo: "x" } }, "bimi.logo", "bimi takes `logoUrl`, `authorityUrl`, `selector`."],
    [{ ...base, mx: [{ host: "mx.example.com", priority: 10, preference: 10 }] }, "mx[0].preference", "mx[0] takes `host`, `priority`."],
    [{ ...base, googleWorkspace: { dkimSelecter: "google" } }, "googleWorkspace.dkimSelecter", "did you mean `dkimSelector`?"],
    [{ ...base, microsoft365: { tennant: "contoso" } }, "microsoft365.tennant", "did you mean `tenant`?"],
    [{ ...base, amazonSes: { region: "eu-west-1", dkimToken: [] } }, "amazonSes.dkimToken", "did you mean `dkimTokens`?"],
    [{ ...base, fastmail: { recieve: false } }, "fastmail.recieve", "did you mean `receive`?"],
    [{ ...base, protonMail: { verification: "x", dkimTarget: [] } }, "protonMail.dkimTarget", "did you mean `dkimTargets`?"],
    [{ ...base, zohoMail: { regoin: "eu" } }, "zohoMail.regoin", "did you mean `region`?"],
    [{ ...base, mailgun: { dkimSelector: "mx", dkimPublicKey: "x", reigon: "eu" } }, "mailgun.reigon", "did you mean `region`?"],
    [{ ...base, googleWorkspaces: {} }, "googleWorkspaces", "did you mean `googleWorkspace`?"],
  ])("%j → %s", (args, field, hint) => {
    const d = only(check(args).filter((x) => x.code === "args.unknown"));
    expect(d.field).toBe(field);
    expect(d.message).toContain("unknown argument; ");
    expect(d.message).toContain(hint);
    expect(d.severity).toBe("error");
  });

  test("a key near nothing lists the keys there are", () => {
    expect(only(check({ ...base, frobnicate: 1 })).message).toMatch(/the arguments are `domain`, `ttl`, `mx`, .*`cloudflare`, `route53`\./);
  });

  test("an unknown key set to undefined is no argument at all", () => {
    expect(check({ ...base, spff: undefined })).toEqual([]);
  });

  test("a very long key gets no suggestion (and no edit distance over it)", () => {
    const d = only(check({ ...base, ["x".repeat(100_000)]: 1 }));
    expect(d.message).toMatch(/the arguments are/);
  });
});

describe("wrong types: one diagnostic each, saying what to write", () => {
  test("spf given as its record text is ONE error with the structured arguments for that record", () => {
    const d = only(check({ ...base, spf: "v=spf1 mx -all" }));
    expect(d).toMatchObject({ code: "args.type", field: "spf" });
    expect(d.message).toContain('not the string "v=spf1 mx -all"');
    expect(d.message).toContain('write spf: { mx: true, all: "-all" }');
  });

  test("an SPF record with terms the arguments cannot express says which", () => {
    expect(only(check({ ...base, spf: "v=spf1 ptr ip4:192.0.2.1 -all" })).message).toMatch(/spf: \{ ip4: \["192\.0\.2\.1"\], all: "-all" \} \("ptr" cannot be expressed/);
  });

  test.each([
    ["extraTxt", { extraTxt: "MS=ms12345678" }, 'Write it as a list: extraTxt: ["MS=ms12345678"].'],
    ["spf.include", { spf: { include: "_spf.google.com" } }, 'Write it as a list: include: ["_spf.google.com"].'],
    ["dmarc.rua", { dmarc: { policy: "reject", rua: "mailto:d@example.com" } }, 'rua: ["mailto:d@example.com"]'],
    ["mx", { mx: "10 mail.example.com" }, 'mx: [{ host: "mail.example.com", priority: 10 }]'],
    ["dkim", { dkim: "s1" }, 'dkim: [{ selector: "s1" }]'],
    ["dmarc", { dmarc: "v=DMARC1; p=reject" }, "one argument per tag (p= → policy"],
    ["cloudflare", { cloudflare: "example.com" }, 'cloudflare: { zoneName: "example.com" }'],
    ["cloudflare", { cloudflare: "0123456789abcdef0123456789abcdef" }, 'cloudflare: { zoneId: "0123456789abcdef0123456789abcdef" }'],
    ["mtaSts", { mtaSts: "enforce" }, "mtaSts: { mode: enforce }"],
    ["tlsRpt", { tlsRpt: "mailto:tls@example.com" }, 'tlsRpt: { rua: ["mailto:tls@example.com"] }'],
    ["bimi", { bimi: "https://example.com/logo.svg" }, 'bimi: { logoUrl: "https://example.com/logo.svg" }'],
    ["parked", { parked: "yes" }, "Write true without quotes."],
    ["nullMx", { nullMx: "false" }, "Write false without quotes."],
    ["ttl", { ttl: "3600" }, "Write 3600 without quotes."],
    ["dmarc.percent", { dmarc: { policy: "reject", percent: "50%" } }, 'Write 50 without the "%" sign.'],
  ])("%s", (field, extra, hint) => {
    const d = only(check({ ...base, ...extra }));
    expect(d).toMatchObject({ code: "args.type", field });
    expect(d.message).toContain(hint);
  });

  test.each([
    ["a number for a string", { domain: 42 }, "domain", "must be a string, not the number 42"],
    ["an object for a boolean", { parked: {} }, "parked", "must be true or false, not an object"],
    ["a list for an object", { spf: ["mx"] }, "spf", "not a list of 1 entry"],
    ["NaN for a number", { ttl: NaN }, "ttl", "not the number NaN"],
    ["Infinity for a number", { ttl: Infinity }, "ttl", "not the number Infinity"],
    ["a number for an enum", { spf: { all: 1 } }, "spf.all", 'one of "-all", "~all", "?all", "+all"'],
    ["null", { spf: null }, "spf", "is null (in YAML, a key with nothing after it)"],
    ["null in a list", { extraTxt: [null] }, "extraTxt[0]", "is null"],
    ["a hole in a list", { extraTxt: ["a", undefined] }, "extraTxt[1]", "is empty"],
    ["an Output where plain values belong", { spf: pulumi.output({ mx: true }) }, "spf", "Only zoneId may be a Pulumi Output"],
    ["a class instance for an object", { spf: new Date(0) }, "spf", "must be an object"],
  ])("%s", (_title, extra, field, text) => {
    const d = only(check({ ...base, ...extra }));
    expect(d).toMatchObject({ code: "args.type", field });
    expect(d.message).toContain(text);
  });

  test("the arguments themselves: missing, or not an object", () => {
    expect(only(checkArgs(undefined, MAIL_DOMAIN_ARGS, ""))).toMatchObject({ field: "", message: expect.stringContaining("the arguments are missing") });
    expect(only(check("example.com"))).toMatchObject({ field: "", message: expect.stringContaining('not the string "example.com"') });
  });

  test("zoneId may be an Output or a Promise; a number is wrong", () => {
    expect(check({ domain: "example.com", cloudflare: { zoneId: pulumi.output("abc") } })).toEqual([]);
    expect(check({ domain: "example.com", route53: { zoneId: Promise.resolve("Z1") } })).toEqual([]);
    expect(only(check({ domain: "example.com", cloudflare: { zoneId: 12 } })).field).toBe("cloudflare.zoneId");
  });

  test("DMARC fo may be given as YAML numbers", () => {
    expect(check({ ...base, dmarc: { policy: "reject", failureOptions: [0, 1, "d"] } })).toEqual([]);
  });

  test("every problem is listed, each at its own path", () => {
    const ds = check({ ...base, ttl: "x", spf: { ip4: "1.2.3.4", a: "yes" }, extraTxt: ["ok", 5] });
    expect(ds.map((d) => d.field).sort()).toEqual(["extraTxt[1]", "spf.a", "spf.ip4", "ttl"]);
  });
});

describe("sizes", () => {
  test("a string over its cap is one error, whatever its size", () => {
    const d = only(check({ ...base, spf: { include: ["x".repeat(10_000_000)] } }));
    expect(d).toMatchObject({ code: "args.too-long", field: "spf.include[0]" });
    expect(d.message).toContain(`at most ${DEFAULT_MAX_OCTETS}`);
  });

  test("octets, not characters", () => {
    expect(check({ ...base, bimi: { logoUrl: `https://example.com/${"é".repeat(DEFAULT_MAX_OCTETS / 2)}` } })[0]?.code).toBe("args.too-long");
  });

  test("a list over its cap is one error, its entries are not checked one by one", () => {
    const d = only(check({ ...base, extraTxt: Array.from({ length: 100_000 }, () => 'bad"value') }));
    expect(d).toMatchObject({ code: "args.too-many", field: "extraTxt" });
    expect(d.message).toContain(`at most ${DEFAULT_MAX_ITEMS}`);
  });

  test.each([
    ["mx", 51, { host: "mx.example.com", priority: 10 }],
    ["dkim", 101, { selector: "s" }],
    ["dmarc.rua", 11, "mailto:d@example.com"],
  ])("%s holds at most its cap", (field, n, item) => {
    const [head, tail] = field.split(".");
    const list = Array.from({ length: n }, () => item);
    const args = tail ? { ...base, [head]: { policy: "reject", [tail]: list } } : { ...base, [head]: list };
    expect(only(check(args))).toMatchObject({ code: "args.too-many", field });
  });
});

describe("private keys are refused in every string argument", () => {
  const ed = generateKeyPairSync("ed25519").privateKey;
  const pem = ed.export({ type: "pkcs8", format: "pem" }).toString();
  const der = ed.export({ type: "pkcs8", format: "der" }).toString("base64");
  test.each([
    ["extraTxt[0]", { extraTxt: [der] }],
    ["dkim[0].publicKey", { dkim: [{ selector: "s1", publicKey: pem }] }],
    ["googleWorkspace.dkimPublicKey", { googleWorkspace: { dkimPublicKey: `v=DKIM1; k=rsa; p=${der}` } }],
    ["zohoMail.dkimPublicKey", { zohoMail: { dkimPublicKey: pem } }],
    ["mailgun.dkimPublicKey", { mailgun: { dkimSelector: "mx", dkimPublicKey: der } }],
    ["microsoft365.verification", { microsoft365: { tenant: "contoso", verification: der } }],
  ])("%s", (field, extra) => {
    const d = only(check({ ...base, ...extra }));
    expect(d).toMatchObject({ code: "args.private-key", field });
    expect(d.message).toContain("PRIVATE key");
    expect(d.message).toMatch(/Paste the PUBLIC key instead/);
  });
});

test("flowStyle writes values both YAML and TypeScript read", () => {
  expect(flowStyle({ mx: true, ip4: ["192.0.2.1"], all: "-all", x: undefined })).toBe('{ mx: true, ip4: ["192.0.2.1"], all: "-all" }');
  expect(flowStyle({})).toBe("{}");
});

test("a schema is checked by its own record module too (spf alone)", () => {
  expect(checkArgs({ mxx: true }, SPF_ARGS, "spf").map((d) => d.field)).toEqual(["spf.mxx"]);
});
