/**
 * What the documentation tests need of Markdown: its headings as GitHub anchors them, its relative links, and
 * one section by its heading. Written here rather than taken from `github-slugger` (the library GitHub's own
 * rule is published as): its 2.x is an ES module only, and the jest suite runs CommonJS; the rule itself is
 * three lines (lower case, drop what is not a letter, mark, number, `_`, `-` or a space, spaces to `-`, a
 * repeated anchor numbered `-1`, `-2`…).
 */

/** The lines of a Markdown text outside fenced code blocks (a `#` line in a shell block is no heading). */
function proseLines(text: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of text.split("\n")) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker) fence = marker[0];
    else if (fence !== undefined && marker?.[0] === fence) fence = undefined;
    else if (fence === undefined) lines.push(line);
  }
  return lines;
}

/** GitHub's anchor of a heading's text. */
export function slug(heading: string): string {
  const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1"); // a link in a heading anchors by its text
  return text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
}

/** The ATX headings of a Markdown text, in order: level, text, anchor. */
export function headings(text: string): { level: number; text: string; anchor: string }[] {
  const seen = new Map<string, number>();
  return proseLines(text).flatMap((line) => {
    const m = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (!m) return [];
    const base = slug(m[2]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return [{ level: m[1].length, text: m[2], anchor: count === 0 ? base : `${base}-${count}` }];
  });
}

/** Every link and image target of a Markdown text outside code (fenced blocks and inline code spans). */
export function linkTargets(text: string): string[] {
  const prose = proseLines(text).join("\n").replace(/(`+)[\s\S]*?\1/g, "");
  return [...prose.matchAll(/!?\[(?:[^\][]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
}

/** A link that stays inside the repository: no scheme (`https:`, `mailto:`) and not protocol-relative. */
export function isRelative(target: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith("//");
}

/**
 * The section of a Markdown text from the heading line `heading` (exactly, `## Title`) to the next heading of
 * the same or a higher level outside code (or to the heading line `until`, when given). A heading that is
 * missing throws, so a test never checks an empty slice.
 */
export function section(text: string, heading: string, until?: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trimEnd() === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const level = /^#+/.exec(heading)![0].length;
  let fence: string | undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(lines[i])?.[1];
    if (marker && (fence === undefined || marker[0] === fence)) fence = fence === undefined ? marker[0] : undefined;
    if (fence !== undefined || marker) continue;
    const ends = until === undefined ? /^(#+) /.exec(lines[i])?.[1].length : lines[i].trimEnd() === until ? 0 : undefined;
    if (ends !== undefined && ends <= level) return lines.slice(start, i).join("\n");
  }
  if (until !== undefined) throw new Error(`no heading "${until}" after "${heading}"`);
  return lines.slice(start).join("\n");
}
