/**
 * XML for reports, safely, through saxes: a strict XML 1.0 parser (well-formedness checked in the same single pass
 * that reads the document, so a truncated attachment is refused rather than half-read) that never resolves
 * external entities and does not expand entities declared in a DTD. On top of that, any DOCTYPE or ENTITY
 * declaration is refused before parsing: DTDs are how XML external-entity (XXE) and entity-expansion ("billion
 * laughs") attacks work, and no DMARC report schema has one.
 *
 * saxes rather than fast-xml-parser: the latter needs a separate validation pass to refuse malformed documents,
 * and the two passes read an 18 KB report about seven times slower on this machine (measured with the
 * benchmark's corpus), which alone would cap ingestion below 1,000 reports/s.
 *
 * The tree keeps what reports need: local element names (namespace prefixes dropped), text, children in order,
 * and the root's namespace.
 */
import { SaxesParser } from "saxes";
import { finding, ReportFinding } from "./findings";

const SECURITY_RFC = "RFC 9990 (Security Considerations: report contents as an attack)";

export interface XmlElement {
  /** Local name (no prefix). */
  name: string;
  children: XmlElement[];
  /** Character data directly inside the element (text and CDATA), entities decoded. */
  text: string;
}

export interface XmlDocument {
  /** Local name of the root element. */
  root: string;
  /** Namespace URI of the root element, if it declares one. */
  namespace?: string;
  value: XmlElement;
}

const localName = (qname: string) => {
  const i = qname.indexOf(":");
  return i < 0 ? qname : qname.slice(i + 1);
};

/** Parse an XML document. Never throws: a refused or malformed document gives findings and no document. */
export function parseXml(text: string, source: string): { doc?: XmlDocument; findings: ReportFinding[] } {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    return {
      findings: [
        finding(
          "xml.doctype-refused",
          "error",
          source,
          'the document declares a DTD (<!DOCTYPE> or <!ENTITY>): DMARC reports have none, and DTDs are how XML external-entity (XXE) and entity-expansion ("billion laughs") attacks work, so it was refused without being read. If a real reporter sends this, tell them.',
          SECURITY_RFC,
        ),
      ],
    };
  }
  const first = read(text, false);
  // Positions cost time on every character; the document is read again with them only to say where it broke.
  const result = first.error !== undefined ? read(text, true) : first;
  if (result.error !== undefined) {
    const error = result.error;
    const m = /^(\d+):(\d+): (.*)$/.exec(error);
    const where = m ? ` at line ${m[1]}, column ${m[2]}` : "";
    return {
      findings: [
        finding(
          "xml.not-well-formed",
          "error",
          source,
          `the document is not well-formed XML${where}: ${m ? m[3] : error} A truncated or damaged attachment looks like this; it was not read, so nothing of it is counted. Ask the reporter for the report again, or fix the file and read it again.`,
          "XML 1.0 §2.1",
        ),
      ],
    };
  }
  if (!result.root) return { findings: [finding("xml.no-root", "error", source, "the document has no root element.", "XML 1.0 §2.1")] };
  const doc: XmlDocument = { root: result.root.name, value: result.root };
  if (result.namespace !== undefined) doc.namespace = result.namespace;
  return { doc, findings: [] };
}

function read(text: string, position: boolean): { root?: XmlElement; namespace?: string; error?: string } {
  let error: string | undefined;
  let root: XmlElement | undefined;
  let namespace: string | undefined;
  const stack: XmlElement[] = [];
  const parser = new SaxesParser({ xmlns: false, position });
  parser.on("error", (e) => {
    error ??= e.message;
  });
  parser.on("opentag", (tag) => {
    const el: XmlElement = { name: localName(tag.name), children: [], text: "" };
    if (stack.length === 0) {
      root = el;
      const i = tag.name.indexOf(":");
      const attr = i < 0 ? "xmlns" : `xmlns:${tag.name.slice(0, i)}`;
      const ns = (tag.attributes as Record<string, string>)[attr];
      if (ns !== undefined) namespace = ns;
    } else {
      stack[stack.length - 1].children.push(el);
    }
    stack.push(el);
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  parser.on("text", (t) => {
    if (stack.length) stack[stack.length - 1].text += t;
  });
  parser.on("cdata", (t) => {
    if (stack.length) stack[stack.length - 1].text += t;
  });
  try {
    parser.write(text).close();
  } catch (e) {
    error ??= (e as Error).message;
  }
  const out: { root?: XmlElement; namespace?: string; error?: string } = {};
  if (root) out.root = root;
  if (namespace !== undefined) out.namespace = namespace;
  if (error !== undefined) out.error = error;
  return out;
}
