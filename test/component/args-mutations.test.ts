/**
 * Generated: every path of several valid argument sets, mutated to every wrong type (string,
 * number, boolean, null, list, object), to a huge value of its own type, and given an unknown key.
 * Each mutation must be refused by the component, the planner and the stack-config reader with a
 * `MailDomainArgsError` (a diagnostic for the planner) naming that path, and register nothing.
 * Mutations that keep the type (another string, a removed key) may pass or fail, but only ever
 * as a `MailDomainArgsError`: never a raw `TypeError`.
 */
import { MailDomain, MailDomainArgs, MailDomainArgsError } from "../../components";
import { planMailDomain } from "../../components/plan/plan";
import { preflight } from "../../components/preflight";
import { stackDomains } from "../../components/stack-config";
import { runProgram } from "../support/pulumi";
import { fullArgs, panelKey } from "./fixtures";

jest.setTimeout(120_000);

const SES_TOKENS = ["a".repeat(32), "b".repeat(32), "c".repeat(32)];
const any = (v: unknown) => v as never;

/** Valid argument sets that together reach every argument of the component and of every preset. */
const VALID: Record<string, MailDomainArgs> = {
  "full, Cloudflare": { ...fullArgs({ cloudflare: { zoneName: "example.com" } }), mtaSts: { mode: any("enforce"), maxAge: 604800, hosting: { cloudflare: { accountId: "0123456789abcdef0123456789abcdef", scriptName: "mta-sts-example" } } } },
  "full, Route 53": { ...fullArgs({ route53: { zoneName: "example.com", allowOverwrite: true } }), mtaSts: { mode: any("testing"), mx: ["mx1.example.com", "*.example.com"], hosting: { aws: { priceClass: "PriceClass_100" } } }, ttl: 600, dmarc: { policy: any("reject"), percent: 100, ruf: ["mailto:f@example.com"], spfAlignment: any("s"), nonexistentSubdomainPolicy: any("reject"), failureOptions: ["1"], reportFormat: "afrf", reportInterval: 86400, testing: false } },
  "Google Workspace, SES, Mailgun": {
    domain: "example.com",
    cloudflare: { zoneId: "0123456789abcdef0123456789abcdef" },
    googleWorkspace: { dkimPublicKey: panelKey.publicKeyPem, dkimSelector: "google", siteVerification: ["google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ"], legacyMx: true },
    amazonSes: { region: "eu-west-1", dkimTokens: SES_TOKENS, mailFromSubdomain: "mail", createIdentity: false },
    mailgun: { dkimSelector: "mg", dkimPublicKey: panelKey.p, region: any("eu"), receive: false },
    spf: { all: any("-all") },
    dmarc: { policy: any("reject") },
  },
  "Microsoft 365": {
    domain: "example.com",
    route53: {},
    microsoft365: { tenant: "contoso", dkimPartition: "r", mxHost: "example-com.mail.protection.outlook.com", verification: "MS=ms12345678", autodiscover: true },
    nullMx: false,
  },
  "Proton Mail, Fastmail sending": {
    domain: "example.com",
    cloudflare: {},
    protonMail: { verification: "protonmail-verification=abc123", dkimTargets: ["protonmail.domainkey.d1.domains.proton.ch", "protonmail2.domainkey.d1.domains.proton.ch", "protonmail3.domainkey.d1.domains.proton.ch"] },
    fastmail: { receive: false },
  },
  "Zoho Mail": { domain: "example.com", cloudflare: {}, zohoMail: { region: any("eu"), dkimSelector: "zmail", dkimPublicKey: panelKey.p, verification: "zoho-verification=zb12345.zmverify.zoho.eu" } },
  parked: { domain: "example.org", route53: {}, parked: true, extraTxt: ["google-site-verification=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"] },
  "null MX": { domain: "example.net", cloudflare: {}, nullMx: true, spf: { all: any("-all") }, dmarc: { policy: any("reject") } },
  "MTA-STS served elsewhere": { domain: "example.com", cloudflare: {}, mx: [{ host: "mx.example.com", priority: 10 }], mtaSts: { mode: any("testing"), hosting: { external: true } } },
};

type Path = (string | number)[];

/** Every path in a value: object keys and list positions, the root's children down to the leaves. */
function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push([...prefix, i], ...paths(v, [...prefix, i])));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push([...prefix, k], ...paths(v, [...prefix, k]));
  return out;
}

const fieldOf = (path: Path) => path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");

function get(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, p) => (v as Record<string | number, unknown>)[p], value);
}

/** A copy with the value at `path` replaced (`undefined` deletes the key). */
function set(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  if (rest.length === 0 && replacement === undefined && !Array.isArray(value)) delete copy[head];
  else copy[head] = set(copy[head], rest, replacement);
  return copy;
}

const HUGE_STRING = "x".repeat(1_000_000);

interface Mutation {
  set: string;
  field: string;
  kind: string;
  args: unknown;
  /** The mutation changes the type (or size): it must be refused at `field`. */
  mustFail: boolean;
}

function mutations(): Mutation[] {
  const out: Mutation[] = [];
  for (const [setName, args] of Object.entries(VALID)) {
    for (const path of paths(args)) {
      const original = get(args, path);
      const field = fieldOf(path);
      const isObject = original !== null && typeof original === "object" && !Array.isArray(original);
      const add = (kind: string, replacement: unknown, mustFail: boolean) => out.push({ set: setName, field, kind, args: set(args, path, replacement), mustFail });
      if (typeof original !== "string") add("string", "wrong", true);
      if (typeof original !== "number") add("number", 42, true);
      if (typeof original !== "boolean") add("boolean", true, true);
      add("null", null, true);
      if (!Array.isArray(original)) add("list", ["wrong"], true);
      if (!isObject) add("object", { wrong: 1 }, true);
      if (typeof original === "string") add("huge string", HUGE_STRING, true);
      if (typeof original === "number") add("huge number", 1e308, true);
      if (Array.isArray(original)) add("huge list", new Array(100_000).fill(original[0]), true);
      if (isObject) add("unknown key", { ...(original as object), zzUnknown: 1 }, true);
      if (typeof original === "string") add("another string", "wrong", false);
      add("removed", undefined, false);
    }
  }
  return out;
}

const ALL = mutations();
const MUST_FAIL = ALL.filter((m) => m.mustFail);
const MAY_PASS = ALL.filter((m) => !m.mustFail);
const at = (field: string) => (f: string) => f === field || f.startsWith(`${field}.`) || f.startsWith(`${field}[`);
const title = (m: Mutation) => `${m.set}: ${m.field} → ${m.kind}`;

test("the valid argument sets are valid, and the mutations cover every path with every wrong type", () => {
  for (const [name, args] of Object.entries(VALID)) expect([name, planMailDomain(args).errors]).toEqual([name, []]);
  expect(new Set(MUST_FAIL.map((m) => m.kind))).toEqual(new Set(["string", "number", "boolean", "null", "list", "object", "huge string", "huge number", "huge list", "unknown key"]));
  expect(MUST_FAIL.length).toBeGreaterThan(900);
});

test("the planner names the mutated path of every wrong type, and never throws", () => {
  const missed: string[] = [];
  for (const m of MUST_FAIL) {
    const fields = planMailDomain(m.args as MailDomainArgs).errors.map((e) => e.field);
    if (!fields.some(at(m.field))) missed.push(`${title(m)}: ${JSON.stringify(fields).slice(0, 200)}`);
  }
  expect(missed).toEqual([]);
});

test("the component throws one MailDomainArgsError naming the path, and registers nothing", async () => {
  const missed: string[] = [];
  const run = await runProgram(() => {
    MUST_FAIL.forEach((m, i) => {
      try {
        new MailDomain(`m${i}`, m.args as MailDomainArgs);
        missed.push(`${title(m)}: accepted`);
      } catch (e) {
        if (!(e instanceof MailDomainArgsError)) missed.push(`${title(m)}: ${String(e)}`);
        else if (!e.diagnostics.some((d) => at(m.field)(d.field))) missed.push(`${title(m)}: ${e.diagnostics.map((d) => d.field).join(", ").slice(0, 200)}`);
      }
    });
  });
  expect(missed).toEqual([]);
  expect(run.engine.resources).toEqual([]);
});

test("the stack-config reader throws one MailDomainArgsError naming domains[0] and the path", () => {
  const missed: string[] = [];
  for (const m of MUST_FAIL) {
    try {
      stackDomains([m.args]);
      missed.push(`${title(m)}: accepted`);
    } catch (e) {
      if (!(e instanceof MailDomainArgsError)) missed.push(`${title(m)}: ${String(e)}`);
      else if (!e.diagnostics.some((d) => at(`domains[0].${m.field}`)(d.field))) missed.push(`${title(m)}: ${e.diagnostics.map((d) => d.field).join(", ").slice(0, 200)}`);
    }
  }
  expect(missed).toEqual([]);
});

test("mutations that keep the type pass or fail only as MailDomainArgsError, in every layer", async () => {
  const crashes: string[] = [];
  const accepted: Mutation[] = [];
  const note = (m: Mutation, layer: string, e: unknown) => {
    if (!(e instanceof MailDomainArgsError)) crashes.push(`${title(m)} (${layer}): ${e instanceof Error ? e.stack?.split("\n").slice(0, 3).join(" ") : String(e)}`);
  };
  // Refused ones throw before registering anything: one program holds them all.
  const refusing = await runProgram(() => {
    MAY_PASS.forEach((m, i) => {
      try {
        if (preflight(m.args as MailDomainArgs).errors.length === 0) accepted.push(m);
        else new MailDomain(`m${i}`, m.args as MailDomainArgs);
      } catch (e) {
        note(m, "component", e);
      }
      try {
        stackDomains([m.args]);
      } catch (e) {
        note(m, "stack config", e);
      }
    });
  });
  expect(refusing.engine.resources).toEqual([]);
  // Accepted ones register: each in its own program, under one name, so generated keys are made
  // once. Registering costs a few hundred milliseconds for a full set, so one mutation per argument
  // set, top-level argument and kind of mutation is registered (the checks above ran on all).
  const sample = [...new Map(accepted.map((m) => [`${m.set}|${m.field.split(/[.[]/)[0]}|${m.kind}`, m])).values()];
  for (const m of sample) {
    const run = await runProgram(() => {
      try {
        new MailDomain("m", m.args as MailDomainArgs);
      } catch (e) {
        note(m, "component", e);
      }
    });
    if (run.logs.some((l) => l.severity === "error")) crashes.push(`${title(m)}: ${run.logs.find((l) => l.severity === "error")?.message}`);
  }
  expect(crashes).toEqual([]);
  expect(sample.length).toBeGreaterThan(20);
});
