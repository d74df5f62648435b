/**
 * Reading a DKIM key record (RFC 6376 §3.6.1) from its TXT text (the strings already joined).
 * Never throws: what cannot be understood is left out of the model, with a diagnostic.
 */
import { Diagnostic, Parsed, invalid } from "../diagnostics";
import { printable } from "../names";
import { duplicateTagNames, parseTagList } from "../tags";
import { DkimKeyRecord, RFC_KEY_RECORD, RFC_TAG_LIST, dedupe, splitColonList } from "./model";
import { validateDkim } from "./validate";

export function parseDkim(text: string): Parsed<DkimKeyRecord> {
  const input = typeof text === "string" ? text : "";
  const model: DkimKeyRecord = {};
  const diagnostics: Diagnostic[] = [];
  if (/^\s*"/.test(input)) {
    diagnostics.push(invalid("dkim.quoted-record", "", `the record text starts with a quote: it was copied in zone-file form ("…" "…"). Give the text inside the quotes, with the parts joined and without the quotes.`, "RFC 6376 §3.6.2.2"));
  }
  const list = parseTagList(input, "dkim", RFC_TAG_LIST);
  diagnostics.push(...list.diagnostics);
  // RFC 6376 §3.2: "if a tag name does occur more than once, the entire tag-list is invalid".
  for (const name of duplicateTagNames(list.tags)) {
    diagnostics.push(invalid("dkim.duplicate-tag", name, `${name}= appears more than once: a tag-list with a repeated tag is entirely invalid, so verifiers ignore the key. Keep one ${name}=.`, RFC_TAG_LIST));
  }
  const seen = new Set<string>();
  list.tags.forEach((tag, index) => {
    if (seen.has(tag.name)) return; // the first occurrence stands for the model
    seen.add(tag.name);
    switch (tag.name) {
      case "v":
        if (index !== 0) {
          diagnostics.push(invalid("dkim.version-not-first", "v", "v=DKIM1 must be the first tag of the record: move it to the front (or remove it; it is optional).", RFC_KEY_RECORD));
        }
        if (tag.value === "DKIM1") model.version = "DKIM1";
        else {
          diagnostics.push(invalid("dkim.invalid-version", "v", `v=${printable(tag.value)} is not DKIM1; verifiers discard key records with any other version: write v=DKIM1 (upper case) or remove v=.`, RFC_KEY_RECORD));
        }
        break;
      case "k":
        model.keyType = tag.value;
        break;
      case "h":
        model.hashAlgorithms = splitColonList(tag.value);
        break;
      case "s":
        model.serviceTypes = splitColonList(tag.value);
        break;
      case "t":
        model.flags = splitColonList(tag.value);
        break;
      case "n":
        model.notes = tag.value;
        break;
      case "p":
        // FWS inside the base64 is allowed by the grammar (RFC 6376 §3.6.1 key-p-tag): drop it.
        model.publicKey = tag.value.replace(/\s+/g, "");
        break;
      default:
        (model.extraTags ??= []).push({ name: tag.name, value: tag.value });
    }
  });
  // A p= whose value had bad characters was already reported; do not also call it missing.
  const pRejected = list.diagnostics.some((d) => d.field === "p");
  const checks = validateDkim(model).filter((d) => !(pRejected && d.code === "dkim.missing-key"));
  return { model, diagnostics: dedupe([...diagnostics, ...checks]) };
}

/**
 * Heuristic: does this TXT value look like a DKIM key record (as opposed to SPF, DMARC or a
 * verification token)? True for `v=DKIM1…` and for records without v= that carry a p= tag.
 */
export function isDkimKeyRecord(txt: string): boolean {
  if (typeof txt !== "string") return false;
  if (/^\s*v\s*=\s*DKIM1\b/i.test(txt)) return true;
  return !/^\s*v\s*=/i.test(txt) && /(^|;)\s*p\s*=/.test(txt);
}
