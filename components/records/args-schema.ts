/**
 * The shape of the component's arguments and the one rule that checks it.
 *
 * Each args interface has one schema, declared beside it (`SPF_ARGS` beside `SpfArgs`, …) with
 * `objectArg<T>`, whose type demands exactly one entry per key of the interface: adding a key to an
 * interface is one more line in its schema, and the compiler refuses the interface until it is
 * there. The component, the planner and the stack-config reader all check arguments with
 * `checkArgs` against these schemas, so a key is known (or unknown) in one place.
 *
 * What the rule checks, before any record is built: unknown keys (with the nearest known key), the
 * type of every value (a string where a list or an object belongs is one error that says what to
 * write instead, never one error per character), `null`, sizes (strings and lists have caps well
 * below what a DNS answer can carry; see "What the arguments hold" in docs/arguments.md), and private key
 * material in any string (every string argument ends up in, or names, a public DNS record). What
 * a value means (an address, a policy, a key) is the record modules' to check.
 *
 * Arguments arrive from TypeScript, YAML stack config and other languages as plain values, so
 * nothing here trusts the static types. Written by hand: a JSON Schema validator would need the
 * schemas twice (TypeScript types and JSON) and gives messages no one can act on.
 */
import { Diagnostic, invalid } from "./diagnostics";
import { printable } from "./names";
import { findPrivateKey, privateKeyMessage } from "./private-key";
import { closestName } from "./similar";

/** A string argument; at most `maxOctets` octets of UTF-8. */
export interface StringArg {
  kind: "string";
  maxOctets: number;
}
/** A number; its range is the record module's to check. */
export interface NumberArg {
  kind: "number";
  /** `a whole number of seconds`, for messages. */
  what: string;
}
export interface BooleanArg {
  kind: "boolean";
}
/** One of an enum's string values (membership and its hints are the record module's). */
export interface EnumArg {
  kind: "enum";
  values: readonly string[];
  /** Numbers stand for their digits (YAML reads DMARC's `fo: [0, 1]` as numbers). */
  numbersAsText?: boolean;
}
/** A `pulumi.Input<string>`: a string, or an Output or Promise known only at deployment. */
export interface InputArg {
  kind: "input";
  of: StringArg;
}
export interface ListArg {
  kind: "list";
  of: ArgSchema;
  maxItems: number;
  /** Why the cap, for the message. */
  why: string;
  /** What to write instead of a string given for the list, when more than `[value]` can be said. */
  fromString?: (text: string, key: string) => string | undefined;
}
export interface ObjectArg {
  kind: "object";
  fields: Readonly<Record<string, ArgSchema>>;
  /** `{ mx: true, all: "-all" }`: what the object looks like, for messages. */
  example: string;
  /** The rule the arguments feed, cited by every diagnostic below this object. */
  rfc: string;
  /** Other names people write for an argument (DMARC's tag names: `pct` → `percent`). */
  aliases?: Readonly<Record<string, string>>;
  /** What to write instead of a string given for the object (`spf: "v=spf1 mx -all"`). */
  fromString?: (text: string, key: string) => string | undefined;
}
export type ArgSchema = StringArg | NumberArg | BooleanArg | EnumArg | InputArg | ListArg | ObjectArg;

/** Exactly one schema per key of `T`, optional keys included. */
export type ArgFields<T> = { readonly [K in keyof T]-?: ArgSchema };

/** Strings: long enough for any DNS name, URI or verification token; publicKey allows more. */
export const DEFAULT_MAX_OCTETS = 1024;
/** Lists: far more entries than any mail domain has, far fewer than would strain a DNS answer. */
export const DEFAULT_MAX_ITEMS = 100;
const ENUM_MAX_OCTETS = 64;
const DEFAULT_LIST_WHY = "no mail domain needs more";

export function textArg(maxOctets = DEFAULT_MAX_OCTETS): StringArg {
  return { kind: "string", maxOctets };
}
export function numberArg(what: string): NumberArg {
  return { kind: "number", what };
}
export const booleanArg: BooleanArg = { kind: "boolean" };
export function enumArg(values: Readonly<Record<string, string>> | readonly string[], options: { numbersAsText?: boolean } = {}): EnumArg {
  return { kind: "enum", values: Array.isArray(values) ? values : Object.values(values), ...options };
}
export function inputArg(of: StringArg = textArg()): InputArg {
  return { kind: "input", of };
}
export function listArg(of: ArgSchema, options: { maxItems?: number; why?: string; fromString?: ListArg["fromString"] } = {}): ListArg {
  return { kind: "list", of, maxItems: options.maxItems ?? DEFAULT_MAX_ITEMS, why: options.why ?? DEFAULT_LIST_WHY, fromString: options.fromString };
}
export function objectArg<T>(fields: ArgFields<T>, options: Omit<ObjectArg, "kind" | "fields">): ObjectArg & { fields: ArgFields<T> } {
  return { kind: "object", fields, ...options };
}

/**
 * Check a value against its schema. `field` is the path of the value (`""` for the whole
 * arguments); diagnostics carry the path of what is wrong (`spf.ip4[2]`, `cloudflare.zonename`).
 * Absent (undefined) values are not checked: which arguments are required is the record modules'
 * rule, with their own messages. Never throws.
 */
export function checkArgs(value: unknown, schema: ArgSchema, field: string, rfc = "MailDomain arguments"): Diagnostic[] {
  if (value === undefined && field === "") return [invalid("args.type", "", `the arguments are missing: give ${expected(schema)}.`, rfc)];
  const out: Diagnostic[] = [];
  visit(value, schema, field, rfc, out);
  return out;
}

/** The keys of an object argument that no schema field or alias knows, as diagnostics. */
export function unknownKeys(value: Record<string, unknown>, schema: ObjectArg, field: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const key of Object.keys(value)) {
    if (value[key] !== undefined && !Object.prototype.hasOwnProperty.call(schema.fields, key)) out.push(unknownKey(key, schema, field));
  }
  return out;
}

function visit(value: unknown, schema: ArgSchema, field: string, rfc: string, out: Diagnostic[]): void {
  if (value === undefined) return;
  if (value === null) {
    out.push(invalid("args.type", field, `is null (in YAML, a key with nothing after it): give ${expected(schema)}, or remove ${keyOf(field) || "it"}.`, rfc));
    return;
  }
  switch (schema.kind) {
    case "string":
      if (typeof value === "string") return checkText(value, schema, field, rfc, out);
      return void out.push(typeError(value, schema, field, rfc));
    case "input":
      if (typeof value === "string") return checkText(value, schema.of, field, rfc, out);
      if (isOutputOrPromise(value)) return;
      return void out.push(typeError(value, schema, field, rfc));
    case "enum":
      if (typeof value === "string") return checkText(value, textArg(ENUM_MAX_OCTETS), field, rfc, out);
      if (schema.numbersAsText && typeof value === "number" && Number.isFinite(value)) return;
      return void out.push(typeError(value, schema, field, rfc));
    case "number":
      if (typeof value === "number" && Number.isFinite(value)) return;
      return void out.push(typeError(value, schema, field, rfc));
    case "boolean":
      if (typeof value === "boolean") return;
      return void out.push(typeError(value, schema, field, rfc));
    case "list":
      return visitList(value, schema, field, rfc, out);
    case "object":
      return visitObject(value, schema, field, out);
  }
}

function visitList(value: unknown, schema: ListArg, field: string, rfc: string, out: Diagnostic[]): void {
  if (!Array.isArray(value)) return void out.push(typeError(value, schema, field, rfc));
  if (value.length > schema.maxItems) {
    out.push(invalid("args.too-many", field, `has ${value.length} entries; at most ${schema.maxItems} are accepted: ${schema.why}. The entries were not checked one by one.`, rfc));
    return;
  }
  for (let i = 0; i < value.length; i++) {
    const path = `${field}[${i}]`;
    // A hole (`[a, , b]`) or `undefined` in a list is no value at all.
    if (value[i] === undefined) out.push(invalid("args.type", path, `is empty: give ${expected(schema.of)} or remove the entry.`, rfc));
    else visit(value[i], schema.of, path, rfc, out);
  }
}

function visitObject(value: unknown, schema: ObjectArg, field: string, out: Diagnostic[]): void {
  if (!isPlainObject(value)) return void out.push(typeError(value, schema, field, schema.rfc));
  out.push(...unknownKeys(value, schema, field));
  for (const [key, sub] of Object.entries(schema.fields)) {
    if (Object.prototype.hasOwnProperty.call(value, key)) visit(value[key], sub, join(field, key), schema.rfc, out);
  }
}

function checkText(value: string, schema: StringArg, field: string, rfc: string, out: Diagnostic[]): void {
  // A UTF-16 unit is at most 3 octets of UTF-8: short strings need no counting. A huge string is
  // refused before anything else reads it.
  const octets = value.length * 3 <= schema.maxOctets ? value.length : Buffer.byteLength(value, "utf8");
  if (octets > schema.maxOctets) {
    out.push(invalid("args.too-long", field, `is ${octets} octets long; at most ${schema.maxOctets} are accepted here: no DNS name, URI, key or verification token needs more.`, rfc));
    return;
  }
  const secret = findPrivateKey(value);
  if (secret) out.push(invalid("args.private-key", field, privateKeyMessage(field, secret), "RFC 6376 §3.6.1"));
}

function unknownKey(key: string, schema: ObjectArg, field: string): Diagnostic {
  const path = join(field, key);
  const names = Object.keys(schema.fields);
  const alias = schema.aliases?.[key] ?? schema.aliases?.[key.toLowerCase()];
  // Long keys are no typos of short names, and edit distance on them is costly.
  const near = alias ?? (key.length <= 64 ? closestName(key, names, { ignoreCase: true, limit: (_n, c) => (c.length <= 4 ? 1 : c.length <= 8 ? 2 : 3) }) : undefined);
  const where = field ? `${field} takes` : "the arguments are";
  let hint: string;
  if (near && alias) hint = `did you mean \`${near}\`? (\`${printable(key)}\` is the record's tag; the argument is \`${near}\`)`;
  else if (near && near.toLowerCase() === key.toLowerCase()) hint = `did you mean \`${near}\`? (argument names are case-sensitive)`;
  else if (near) hint = `did you mean \`${near}\`?`;
  else hint = `${where} ${names.map((n) => `\`${n}\``).join(", ")}.`;
  return invalid("args.unknown", path, `unknown argument; ${hint}`, schema.rfc);
}

function typeError(value: unknown, schema: ArgSchema, field: string, rfc: string): Diagnostic {
  const key = keyOf(field);
  let hint = "";
  if (typeof value === "string") {
    const custom = schema.kind === "object" || schema.kind === "list" ? schema.fromString?.(value, key) : undefined;
    if (custom) hint = ` ${custom}`;
    else if (schema.kind === "list" && schema.of.kind !== "object" && schema.of.kind !== "list") hint = ` Write it as a list: ${key || "value"}: [${quote(value)}].`;
    else if (schema.kind === "number" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) hint = ` Write ${value.trim()} without quotes.`;
    else if (schema.kind === "number" && /^\s*\d+(\.\d+)?\s*%\s*$/.test(value)) hint = ` Write ${value.replace(/[%\s]/g, "")} without the "%" sign.`;
    else if (schema.kind === "boolean" && /^(true|false|yes|no|on|off)$/i.test(value.trim())) hint = ` Write ${/^(true|yes|on)$/i.test(value.trim()) ? "true" : "false"} without quotes.`;
  } else if (isOutputOrPromise(value)) {
    hint = " Only zoneId may be a Pulumi Output; the records are checked before anything is registered, so every other argument must be a plain value.";
  }
  return invalid("args.type", field, `must be ${expected(schema)}, not ${describe(value)}.${hint}`, rfc);
}

/** What a schema expects, in words. */
function expected(schema: ArgSchema): string {
  switch (schema.kind) {
    case "string":
      return "a string";
    case "input":
      return "a string (or a Pulumi Output of one)";
    case "number":
      return schema.what;
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${schema.values.map((v) => `"${v}"`).join(", ")}`;
    case "list":
      return `a list of ${plural(expected(schema.of))}`;
    case "object":
      return `an object such as ${schema.example}`;
  }
}

function plural(what: string): string {
  if (what.startsWith("a string")) return "strings";
  if (what.startsWith("one of ")) return `values (each ${what})`;
  if (what.startsWith("an object such as ")) return `objects such as ${what.slice("an object such as ".length)}`;
  return `values (each ${what})`;
}

function describe(value: unknown): string {
  if (typeof value === "string") return `the string ${quote(value)}`;
  if (typeof value === "number") return `the number ${String(value)}`;
  if (typeof value === "boolean") return String(value);
  if (typeof value === "bigint") return `the number ${String(value)}n`;
  if (Array.isArray(value)) return `a list of ${value.length} entr${value.length === 1 ? "y" : "ies"}`;
  if (isOutputOrPromise(value)) return "a Pulumi Output (or a Promise)";
  if (typeof value === "function") return "a function";
  if (typeof value === "object") return "an object";
  return typeof value;
}

/** A value quoted for a message: printable, and cut when long. */
function quote(s: string): string {
  const shown = s.length > 60 ? `${s.slice(0, 60)}…` : s;
  return JSON.stringify(printable(shown));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A Pulumi Output (marked `__pulumiOutput`) or a Promise: an Input known only later. */
export function isOutputOrPromise(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { __pulumiOutput?: unknown; then?: unknown };
  return v.__pulumiOutput === true || typeof v.then === "function";
}

function join(field: string, key: string): string {
  return field ? `${field}.${key}` : key;
}

/** The last key of a path: `spf` for `domains[0].spf`, `ip4` for `spf.ip4[1]`. */
function keyOf(field: string): string {
  return field.replace(/\[\d+\]$/, "").split(".").pop() ?? "";
}

/**
 * A value written the way both YAML (flow style) and TypeScript read it: `{ mx: true, ip4:
 * ["192.0.2.1"], all: "-all" }`, for messages that say what to write instead.
 */
export function flowStyle(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flowStyle).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length ? `{ ${entries.map(([k, v]) => `${k}: ${flowStyle(v)}`).join(", ")} }` : "{}";
  }
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
