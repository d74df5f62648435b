/**
 * Reading a parsed XML tree with findings instead of exceptions: the aggregate parser asks for an element's text
 * or its children, and every surprise (a repeated element, an element where text was expected) becomes a finding
 * in one place. Findings that repeat (the same unknown value in 10,000 records) are
 * reported once with their count.
 */
import { finding, ReportFinding, Severity } from "./findings";
import type { XmlElement } from "./xml";

export type XmlNode = XmlElement;

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

  list(): ReportFinding[] {
    return [...this.byKey.values()].map(({ f, n }) => (n > 1 ? { ...f, message: `${f.message} (${n.toLocaleString("en-US")} times in this report)` } : f));
  }
}

/** The child elements named `name`, in document order. */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  return node ? node.children.filter((c) => c.name === name) : [];
}

/**
 * The first child element named `name` and how many there are. The lookups below want one element and run about
 * twenty times per record, so they count instead of collecting the matches into an array.
 */
function first(node: XmlNode | undefined, name: string): { el?: XmlNode; n: number } {
  let el: XmlNode | undefined;
  let n = 0;
  if (node) {
    for (const c of node.children) {
      if (c.name !== name) continue;
      if (n++ === 0) el = c;
    }
  }
  return { el, n };
}

/** The one child element named `name`; a repeated one is an error (`where` names it in the message). */
export function child(node: XmlNode | undefined, name: string, where: string, c: FindingCollector, code: string, rfc: string): XmlNode | undefined {
  const { el, n } = first(node, name);
  if (n > 1) c.add(code, "error", `<${name}> appears ${n} times in ${where}, where the schema allows one: the report is ambiguous and was not read.`, rfc);
  return el;
}

/** Text of an element, trimmed; undefined when it holds child elements instead. */
export function textOf(node: XmlNode): string | undefined {
  return node.children.length > 0 ? undefined : node.text.trim();
}

/**
 * The text of the one child `name` of `node`, or undefined when it is absent. Problems (repeated, holding
 * elements where text belongs) are errors in `c`.
 */
export function leaf(node: XmlNode | undefined, name: string, where: string, c: FindingCollector, ns: string, rfc: string): string | undefined {
  const { el, n } = first(node, name);
  if (el === undefined) return undefined;
  if (n > 1) {
    c.add(`${ns}.repeated-element`, "error", `<${name}> appears ${n} times in ${where}, where the schema allows one: the report is ambiguous and was not read.`, rfc);
    return undefined;
  }
  const t = textOf(el);
  if (t === undefined) {
    c.add(`${ns}.not-text`, "error", `<${name}> in ${where} holds elements where the schema wants text: the report was not read.`, rfc);
    return undefined;
  }
  return t;
}

/** A non-negative whole number written in decimal, or undefined. */
export function wholeNumber(s: string): number | undefined {
  if (!/^\+?\d{1,15}$/.test(s.trim())) return undefined;
  return Number(s.trim());
}

/**
 * Run a parser's reader with its collector: the report when nothing was an error, the findings always. The
 * readers are written not to throw; a bug that does becomes an `<kind>.internal-error` finding instead of
 * stopping the other reports.
 */
export function guardedRead<R>(c: FindingCollector, kind: string, what: string, read: () => R | undefined): { report?: R; findings: ReportFinding[] } {
  try {
    const report = read();
    return c.failed || report === undefined ? { findings: c.list() } : { report, findings: c.list() };
  } catch (e) {
    c.add(`${kind}.internal-error`, "error", `the report could not be read because of an internal error (${(e as Error).message}); please report it with the ${what}.`);
    return { findings: c.list() };
  }
}
