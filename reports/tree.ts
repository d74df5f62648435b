/**
 * Reading a parsed XML tree with findings instead of exceptions: the aggregate parser asks for an element's text
 * or its children, and every surprise (a repeated element, an element where text was expected, an undeclared
 * entity) becomes a finding in one place. Findings that repeat (the same unknown value in 10,000 records) are
 * reported once with their count.
 */
import { decodeEntities } from "./xml";
import { finding, ReportFinding, Severity } from "./findings";

export type XmlNode = unknown;

/** Collects a document's findings; repeats of the same code and message are counted, not listed. */
export class FindingCollector {
  private readonly byKey = new Map<string, { f: ReportFinding; n: number }>();
  /** True once an error finding was added: the document is rejected. */
  failed = false;

  constructor(readonly source: string) {}

  add(code: string, severity: Severity, message: string, rfc?: string): void {
    if (severity === "error") this.failed = true;
    const key = `${code}\u0000${message}`;
    const seen = this.byKey.get(key);
    if (seen) seen.n++;
    else this.byKey.set(key, { f: finding(code, severity, this.source, message, rfc), n: 1 });
  }

  push(...fs: ReportFinding[]): void {
    for (const f of fs) {
      if (f.severity === "error") this.failed = true;
      this.byKey.set(`${f.code}\u0000${f.message}\u0000${this.byKey.size}`, { f, n: 1 });
    }
  }

  list(): ReportFinding[] {
    return [...this.byKey.values()].map(({ f, n }) => (n > 1 ? { ...f, message: `${f.message} (${n.toLocaleString("en-US")} times in this report)` } : f));
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The child elements named `name`, always as a list. */
export function children(node: XmlNode, name: string): XmlNode[] {
  if (!isObject(node)) return [];
  const v = node[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The one child element named `name`; a repeated one is an error (`where` names it in the message). */
export function child(node: XmlNode, name: string, where: string, c: FindingCollector, code: string, rfc: string): XmlNode | undefined {
  const all = children(node, name);
  if (all.length > 1) c.add(code, "error", `<${name}> appears ${all.length} times in ${where}, where the schema allows one: the report is ambiguous and was not read.`, rfc);
  return all[0];
}

/** Text of an element: its text and CDATA content, entities decoded; undefined when it has child elements. */
export function textOf(node: XmlNode): string | undefined {
  if (typeof node === "string") return decodeEntities(node);
  if (typeof node === "number" || typeof node === "boolean") return String(node);
  if (!isObject(node)) return undefined;
  let out = "";
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith("@_")) continue;
    if (k === "#text") {
      const d = typeof v === "string" ? decodeEntities(v) : String(v);
      if (d === undefined) return undefined;
      out += d;
    } else if (k === "#cdata") out += Array.isArray(v) ? v.join("") : String(v);
    else return undefined;
  }
  return out.trim();
}

/**
 * The text of the one child `name` of `node`, or undefined when it is absent. Problems (repeated, not text, an
 * undeclared entity) are errors in `c`.
 */
export function leaf(node: XmlNode, name: string, where: string, c: FindingCollector, ns: string, rfc: string): string | undefined {
  const all = children(node, name);
  if (all.length === 0) return undefined;
  if (all.length > 1) {
    c.add(`${ns}.repeated-element`, "error", `<${name}> appears ${all.length} times in ${where}, where the schema allows one: the report is ambiguous and was not read.`, rfc);
    return undefined;
  }
  const t = textOf(all[0]);
  if (t === undefined) {
    c.add(`${ns}.not-text`, "error", `<${name}> in ${where} holds elements or an undeclared entity (XML 1.0 §4.1) where the schema wants text: the report was not read.`, rfc);
    return undefined;
  }
  return t;
}

/** A non-negative whole number written in decimal, or undefined. */
export function wholeNumber(s: string): number | undefined {
  if (!/^\+?\d{1,15}$/.test(s.trim())) return undefined;
  return Number(s.trim());
}
