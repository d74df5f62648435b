/**
 * XML for reports, safely. fast-xml-parser (a pure-JavaScript parser that resolves nothing outside the document)
 * reads the tree; around it this module refuses what reports never contain and attacks always do:
 *
 * - any DOCTYPE or ENTITY declaration is refused before parsing: DTDs are how XML external entities (XXE: reading
 *   files or URLs) and entity expansion ("billion laughs") work, and no DMARC report schema has one;
 * - entity processing is off in the parser; this module decodes only XML's five predefined entities and
 *   character references itself (XML 1.0 §4.1, §4.6), and an undeclared entity makes the document not
 *   well-formed, as XML says it is;
 * - the document must be well-formed (the parser's validator): a truncated attachment is refused, not half-read.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { finding, ReportFinding } from "./findings";

const SECURITY_RFC = "RFC 9990 (Security Considerations: report contents as an attack)";

export interface XmlDocument {
  /** Local name of the root element. */
  root: string;
  /** Namespace URI of the root element, if it declares one. */
  namespace?: string;
  /** The root element's content as fast-xml-parser builds it (text nodes as strings). */
  value: unknown;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: "#cdata",
  commentPropName: false,
});

/** Parse an XML document. Never throws: a refused or malformed document gives findings and no document. */
export function parseXml(text: string, source: string): { doc?: XmlDocument; findings: ReportFinding[] } {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    return {
      findings: [
        finding(
          "xml.doctype-refused",
          "error",
          source,
          "the document declares a DTD (<!DOCTYPE> or <!ENTITY>): DMARC reports have none, and DTDs are how XML external-entity (XXE) and entity-expansion (\"billion laughs\") attacks work, so it was refused without being read. If a real reporter sends this, report it to them.",
          SECURITY_RFC,
        ),
      ],
    };
  }
  let valid: true | { err: { code: string; msg: string; line: number; col: number } };
  try {
    valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  } catch (e) {
    valid = { err: { code: "Exception", msg: (e as Error).message, line: 0, col: 0 } };
  }
  if (valid !== true) {
    const where = valid.err.line ? ` at line ${valid.err.line}, column ${valid.err.col}` : "";
    return {
      findings: [
        finding(
          "xml.not-well-formed",
          "error",
          source,
          `the document is not well-formed XML${where}: ${valid.err.msg} A truncated or damaged attachment looks like this; it was not read, so nothing of it is counted. Ask the reporter for the report again, or fix the file and read it again.`,
          "XML 1.0 §2.1",
        ),
      ],
    };
  }
  let tree: Record<string, unknown>;
  try {
    tree = parser.parse(text) as Record<string, unknown>;
  } catch (e) {
    return { findings: [finding("xml.not-well-formed", "error", source, `the XML could not be parsed: ${(e as Error).message}`, "XML 1.0 §2.1")] };
  }
  const root = Object.keys(tree).find((k) => !k.startsWith("?") && !k.startsWith("#"));
  if (root === undefined) return { findings: [finding("xml.no-root", "error", source, "the document has no root element.", "XML 1.0 §2.1")] };
  const doc: XmlDocument = { root, value: tree[root] };
  const ns = rootNamespace(text, root);
  if (ns !== undefined) doc.namespace = ns;
  return { doc, findings: [] };
}

/** The namespace URI of the first element named `root` (with or without a prefix). */
function rootNamespace(text: string, root: string): string | undefined {
  const m = new RegExp(`<(?:([A-Za-z_][\\w.-]*):)?${root}(?=[\\s/>])([^>]*)>`).exec(text);
  if (!m) return undefined;
  const attr = m[1] ? `xmlns:${m[1]}` : "xmlns";
  const a = new RegExp(`\\s${attr.replace(".", "\\.")}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(m[2]);
  return a ? (a[1] ?? a[2]) : undefined;
}

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/**
 * Decode XML's predefined entities and character references. Returns undefined for an undeclared entity or a
 * reference to a character XML does not allow.
 */
export function decodeEntities(s: string): string | undefined {
  if (!s.includes("&")) return s;
  let ok = true;
  const out = s.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z_][\w.-]*);/g, (_m, ref: string) => {
    if (ref.startsWith("#")) {
      const cp = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      const allowed = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
      if (!allowed) {
        ok = false;
        return "";
      }
      return String.fromCodePoint(cp);
    }
    const v = PREDEFINED[ref];
    if (v === undefined) ok = false;
    return v ?? "";
  });
  return ok ? out : undefined;
}
