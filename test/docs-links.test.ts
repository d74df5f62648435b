/**
 * The README and docs/ point only at what exists: every relative link names a file of the repository and, with
 * `#anchor`, a heading of that file as GitHub anchors it; every docs/ page says what it holds and links back to
 * the README.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { headings, isRelative, linkTargets, section, slug } from "./support/markdown";

const ROOT = path.join(__dirname, "..");
const DOCS = fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => path.join("docs", f));
const PAGES = ["README.md", ...DOCS];

/** Each broken relative link of one page: `target: what is wrong`. */
function brokenLinks(page: string, text: string): string[] {
  return linkTargets(text).filter(isRelative).flatMap((target) => {
    const [file, anchor] = target.split("#", 2) as [string, string | undefined];
    const resolved = file === "" ? path.join(ROOT, page) : path.join(ROOT, path.dirname(page), decodeURIComponent(file));
    if (file !== "" && (!resolved.startsWith(ROOT + path.sep) || !fs.existsSync(resolved))) return [`${target}: no file ${path.relative(ROOT, resolved)}`];
    if (anchor === undefined) return [];
    if (!resolved.endsWith(".md")) return [`${target}: an anchor into a file that is not Markdown`];
    const anchors = headings(file === "" ? text : fs.readFileSync(resolved, "utf8")).map((h) => h.anchor);
    return anchors.includes(decodeURIComponent(anchor)) ? [] : [`${target}: no heading with the anchor #${anchor} in ${path.relative(ROOT, resolved)}`];
  });
}

test("there are docs pages, and the README links to each of them", () => {
  expect(DOCS.length).toBeGreaterThanOrEqual(1);
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const targets = linkTargets(readme).map((t) => t.split("#")[0]);
  for (const page of DOCS) expect([page, targets.includes(page)]).toEqual([page, true]);
});

test.each(PAGES)("every relative link of %s points at a file and heading that exist", (page) => {
  const text = fs.readFileSync(path.join(ROOT, page), "utf8");
  expect(linkTargets(text).filter(isRelative).length).toBeGreaterThan(0);
  expect(brokenLinks(page, text)).toEqual([]);
});

test.each(DOCS)("%s starts with what it holds and a link back to the README", (page) => {
  const text = fs.readFileSync(path.join(ROOT, page), "utf8");
  const [title, , statement] = text.split("\n");
  expect(title).toMatch(/^# \S/);
  expect(statement.length).toBeGreaterThan(20);
  expect(linkTargets(statement).some((t) => t === "../README.md" || t.startsWith("../README.md#"))).toBe(true);
});

describe("the link checker itself", () => {
  test("anchors headings as GitHub does: code, dashes and punctuation dropped, repeats numbered", () => {
    expect(slug("`maildomain check` — what live DNS really serves, and what Gmail will do with it")).toBe("maildomain-check--what-live-dns-really-serves-and-what-gmail-will-do-with-it");
    expect(slug("From `p=none` to `p=reject`: what the reports say to do next")).toBe("from-pnone-to-preject-what-the-reports-say-to-do-next");
    expect(slug("`mtaSts.hosting`: serving the policy file")).toBe("mtastshosting-serving-the-policy-file");
    expect(headings("# A\n## JSON\n```sh\n# not a heading\n```\n### JSON\n").map((h) => h.anchor)).toEqual(["a", "json", "json-1"]);
  });

  test("finds a missing file, a missing heading, and ignores code and absolute URLs", () => {
    const page = "docs/example.md";
    const text = [
      "[ok](../README.md) [gone](nothing-here.md) [bad anchor](../README.md#no-such-heading) [self](#here)",
      "## Here",
      "`[in code](missing.md)` [web](https://example.com/missing.md) ![picture](reports-html.png)",
      "```md",
      "[in a block](missing.md)",
      "```",
    ].join("\n");
    expect(linkTargets(text)).toEqual(["../README.md", "nothing-here.md", "../README.md#no-such-heading", "#here", "https://example.com/missing.md", "reports-html.png"]);
    expect(brokenLinks(page, text)).toEqual(["nothing-here.md: no file docs/nothing-here.md", "../README.md#no-such-heading: no heading with the anchor #no-such-heading in README.md"]);
  });

  test("a section ends at the next heading of its level, not at a # line in code, and a missing one throws", () => {
    const text = "# T\n## A\none\n```sh\n# comment\n```\n### A.1\ntwo\n## B\nthree";
    expect(section(text, "## A")).toBe("## A\none\n```sh\n# comment\n```\n### A.1\ntwo");
    expect(section(text, "## A", "### A.1")).toBe("## A\none\n```sh\n# comment\n```");
    expect(() => section(text, "## C")).toThrow('no heading "## C"');
  });
});
