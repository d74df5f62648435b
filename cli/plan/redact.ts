/**
 * What the plan must not print: secrets, shown as `pulumi preview` shows them, `[secret]`.
 *
 * Marked values are redacted where they are printed (an input the program or the engine marked
 * secret: `pulumi.secret`, and every value derived from a provider's `additionalSecretOutputs`
 * such as `tls.PrivateKey.privateKeyPem`). As a second line, free text that could quote such a
 * value (the program's log messages and console output, policy violation messages) has every
 * known secret text cut out: the whole value, and for a PEM key its base64 body and each of its
 * lines, so that a message quoting part of a key does not print it either.
 */

export const SECRET = "[secret]";

/** Fragments shorter than this are not searched for: they would match ordinary text. */
const MIN_FRAGMENT = 16;

export class Redactor {
  /** Fragments by their first MIN_FRAGMENT characters, longest first. */
  private readonly byPrefix = new Map<string, string[]>();

  constructor(secretTexts: Iterable<string>) {
    const fragments = new Set<string>();
    for (const t of secretTexts) {
      if (t.length >= MIN_FRAGMENT) fragments.add(t);
      if (!/-----BEGIN [A-Z0-9 ]+-----/.test(t)) continue;
      for (const line of t.split(/\r?\n/)) if (line.length >= MIN_FRAGMENT && !line.startsWith("-----")) fragments.add(line.trim());
      const body = t.replace(/-----[A-Z0-9 ]+-----/g, "").replace(/\s+/g, "");
      if (body.length >= MIN_FRAGMENT) fragments.add(body);
    }
    for (const f of fragments) {
      const key = f.slice(0, MIN_FRAGMENT);
      const list = this.byPrefix.get(key) ?? [];
      list.push(f);
      this.byPrefix.set(key, list);
    }
    for (const list of this.byPrefix.values()) list.sort((a, b) => b.length - a.length);
  }

  /** True when nothing is secret. */
  get empty(): boolean {
    return this.byPrefix.size === 0;
  }

  /** `text` with every known secret text replaced by `[secret]`; linear in the text. */
  text(text: string): string {
    if (this.byPrefix.size === 0 || text.length < MIN_FRAGMENT) return text;
    let out = "";
    let copied = 0;
    for (let i = 0; i + MIN_FRAGMENT <= text.length; ) {
      const hit = this.byPrefix.get(text.slice(i, i + MIN_FRAGMENT))?.find((f) => text.startsWith(f, i));
      if (!hit) {
        i++;
        continue;
      }
      out += text.slice(copied, i) + SECRET;
      i += hit.length;
      copied = i;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }
}
