/**
 * The MTA-STS policy indicator, a TXT record at `_mta-sts.<domain>` (RFC 8461 §3.1):
 *
 *   sts-text-record = sts-version 1*(*WSP field-delim *WSP sts-field) [field-delim]
 *   sts-version     = %s"v=STSv1"                       ; first, case-sensitive
 *   sts-id          = %s"id=" 1*32(ALPHA / DIGIT)
 *   sts-extension   = sts-ext-name "=" sts-ext-value    ; no space around "="
 *   sts-ext-name    = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
 *   sts-ext-value   = 1*(%x21-3A / %x3C / %x3E-7E)      ; no "=", ";", space or control
 *
 * A sender that finds the record syntactically invalid treats the domain as having no MTA-STS
 * policy at all, so every deviation from the grammar is an error here.
 */
import { Diagnostic, Parsed, invalid, risky, dedupeDiagnostics } from "../diagnostics";
import { printable } from "../names";
import { Tag, duplicateTagNames, parseTagList, checkVersionTag } from "../tags";
import { checkNoControlCharacters } from "../txt";

export const STS_VERSION = "STSv1";
export const RFC_TXT = "RFC 8461 §3.1";

/** Extension names of the MTA-STS TXT record and policy file (and of TLS-RPT, RFC 8460 §3). */
export const EXT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
export const EXT_NAME_RULE = 'names start with a letter or digit and hold at most 32 letters, digits, "_", "-" and "."';
const EXT_VALUE = /^[\x21-\x3a\x3c\x3e-\x7e]+$/;
const ID = /^[A-Za-z0-9]{1,32}$/;

export interface MtaStsTxtRecord {
  /** Policy id, 1–32 letters and digits; must change whenever the policy file changes. */
  id: string;
  /** Extension tags in record order (unknown to RFC 8461, ignored by senders). */
  extensions?: Tag[];
}

/** `v=STSv1; id=<id>` followed by any extension tags. */
/**
 * Record selection (RFC 8461 §3.1): senders keep only TXT records that begin with "v=STSv1;"
 * (or are exactly "v=STSv1"), and with anything but exactly one left the domain has no policy.
 */
export function isMtaStsTxtRecord(txt: string): boolean {
  return /^v=STSv1\s*(;|$)/.test(txt);
}

export function renderMtaStsTxt(r: MtaStsTxtRecord): string {
  return [`v=${STS_VERSION}`, `id=${r.id}`, ...(r.extensions ?? []).map((t) => `${t.name}=${t.value}`)].join("; ");
}

/** Parse the TXT value (strings already joined). Never throws. */
export function parseMtaStsTxt(text: string): Parsed<Partial<MtaStsTxtRecord>> {
  const diagnostics: Diagnostic[] = [...checkNoControlCharacters(text, "record")];
  const model: Partial<MtaStsTxtRecord> = {};
  const parsed = parseTagList(text, "mta-sts", RFC_TXT, { tagName: EXT_NAME, tagNameRule: EXT_NAME_RULE });
  diagnostics.push(...parsed.diagnostics);
  const tags = parsed.tags;
  diagnostics.push(...checkSpacingAroundEquals(text));

  diagnostics.push(...checkVersionTag(text, tags, { kind: "mta-sts", version: STS_VERSION, rfc: RFC_TXT, readers: "senders", next: "id=…", spaceBeforeEquals: true }));
  if (/^v=STSv1[ \t]+;/.test(text)) {
    // The grammar allows space before ";", but §3.1 discovery keeps only records that begin
    // with the exact text "v=STSv1;" when several TXT records share the name.
    diagnostics.push(risky("mta-sts.version-delimiter", "warning", "v", `the record begins "v=${STS_VERSION} ;": senders that filter on the exact prefix "v=${STS_VERSION};" skip it; remove the space before ";".`, RFC_TXT));
  }

  const idTags = tags.filter((t) => t.name === "id");
  if (idTags.length === 0) {
    const lower = tags.find((t) => t.name.toLowerCase() === "id");
    diagnostics.push(
      invalid(
        "mta-sts.missing-id",
        "id",
        lower
          ? `the record has "${lower.name}=" but tag names are case-sensitive: write it as lower-case id=.`
          : `the record has no id= tag: add "id=" followed by 1–32 letters or digits (e.g. a timestamp like 20260101T000000), and change it whenever the policy changes.`,
        RFC_TXT,
      ),
    );
  } else if (ID.test(idTags[0].value)) {
    model.id = idTags[0].value;
  }

  const extensions = tags.filter((t) => t.name !== "v" && t.name !== "id");
  if (extensions.length) model.extensions = extensions;
  for (const name of duplicateTagNames(tags)) {
    diagnostics.push(duplicateTag(name));
  }
  diagnostics.push(...validateMtaStsTxt({ id: idTags[0]?.value ?? "", extensions }, { skipMissingId: idTags.length === 0 }));
  return { model, diagnostics: dedupeDiagnostics(diagnostics) };
}

/** Check a TXT model: id syntax and length, extension names and values, duplicates. */
export function validateMtaStsTxt(r: MtaStsTxtRecord, opts: { skipMissingId?: boolean } = {}): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (!(opts.skipMissingId && r.id === "") && !ID.test(r.id)) {
    diagnostics.push(
      invalid(
        "mta-sts.id-syntax",
        "id",
        `id=${printable(r.id)} must be 1 to 32 letters and digits only (no "-", ".", ":" or spaces), e.g. 20260101T000000.`,
        RFC_TXT,
      ),
    );
  }
  for (const t of r.extensions ?? []) {
    if (t.name === "v" || t.name === "id") {
      diagnostics.push(duplicateTag(t.name));
    } else if (!EXT_NAME.test(t.name)) {
      diagnostics.push(invalid("mta-sts.tag-syntax", t.name, `"${printable(t.name)}" is not a valid tag name: ${EXT_NAME_RULE}.`, RFC_TXT));
    } else if (!EXT_VALUE.test(t.value)) {
      diagnostics.push(
        invalid("mta-sts.tag-value-syntax", t.name, `the value of ${printable(t.name)}= must be one or more printable ASCII characters without spaces, "=" or ";".`, RFC_TXT),
      );
    }
  }
  for (const name of duplicateTagNames(r.extensions ?? [])) diagnostics.push(duplicateTag(name));
  return diagnostics;
}

/** The grammar has no whitespace around "=" (`%s"v=STSv1"`, `%s"id="`, `name "=" value`). */
export function checkSpacingAroundEquals(text: string, kind = "mta-sts", rfc = RFC_TXT): Diagnostic[] {
  const m = /[ \t]+=|=[ \t]+/.exec(text);
  if (!m) return [];
  return [invalid(`${kind}.tag-syntax`, "", `the record has a space next to "=" ("${printable(text.slice(Math.max(0, m.index - 8), m.index + m[0].length + 8))}"): the grammar allows none; write tag=value.`, rfc)];
}

function duplicateTag(name: string): Diagnostic {
  if (name === "v" || name === "id") {
    return invalid("mta-sts.duplicate-tag", name, `${name}= appears more than once: senders may read either one; keep a single ${name}=.`, RFC_TXT);
  }
  return risky("mta-sts.duplicate-tag", "warning", name, `${name}= appears more than once: keep a single one.`, RFC_TXT);
}

