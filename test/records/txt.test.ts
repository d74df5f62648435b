import { Diagnostic } from "../../components/records/diagnostics";
import {
  MAX_STRING_OCTETS,
  checkNoControlCharacters,
  checkStringLengths,
  joinTxt,
  parseTxtRdata,
  quoteTxtString,
  renderTxtRdata,
  splitTxt,
} from "../../components/records/txt";

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const octets = (s: string) => Buffer.byteLength(s, "utf8");

describe("RFC 1035 §3.3.14 / RFC 7208 §3.3: split at 255 octets, join with nothing between", () => {
  test.each([
    ["empty value", "", [""]],
    ["short value", "v=spf1 -all", ["v=spf1 -all"]],
    ["exactly 255 ASCII", "a".repeat(255), ["a".repeat(255)]],
    ["256 ASCII", "a".repeat(256), ["a".repeat(255), "a"]],
    ["600 ASCII", "b".repeat(600), ["b".repeat(255), "b".repeat(255), "b".repeat(90)]],
  ])("%s", (_name, value, strings) => {
    expect(splitTxt(value)).toEqual(strings);
    expect(joinTxt(splitTxt(value))).toBe(value);
  });

  test("300 × é (2 octets each) splits at 254 octets, never inside a character", () => {
    const value = "é".repeat(300);
    const parts = splitTxt(value);
    expect(parts.map(octets)).toEqual([254, 254, 92]);
    expect(parts).toEqual(["é".repeat(127), "é".repeat(127), "é".repeat(46)]);
    for (const p of parts) expect(Buffer.from(p, "utf8").toString("utf8")).toBe(p);
    expect(joinTxt(parts)).toBe(value);
  });

  test("4-octet characters (emoji) are never cut: 64 × 😀 = 256 octets → 252 + 4", () => {
    const parts = splitTxt("😀".repeat(64));
    expect(parts.map(octets)).toEqual([252, 4]);
  });

  test("a mix of 1-, 2-, 3- and 4-octet characters stays within 255 and round-trips", () => {
    const value = "aé€😀".repeat(100);
    const parts = splitTxt(value);
    expect(parts.every((p) => octets(p) <= MAX_STRING_OCTETS)).toBe(true);
    expect(joinTxt(parts)).toBe(value);
  });

  test("a smaller maximum is honoured; below 4 octets it is refused", () => {
    expect(splitTxt("abcdef", 4)).toEqual(["abcd", "ef"]);
    expect(() => splitTxt("abc", 3)).toThrow(RangeError);
  });

  test("a 2048-bit DKIM key (~410 octets) needs two strings", () => {
    const value = `v=DKIM1; k=rsa; p=${"A".repeat(392)}`;
    expect(splitTxt(value).map(octets)).toEqual([255, value.length - 255]);
  });
});

describe("RFC 1035 §5.1: quoting and escaping", () => {
  test.each([
    ["plain", "v=spf1 -all", '"v=spf1 -all"'],
    ["empty", "", '""'],
    ["double quote", 'say "hi"', '"say \\"hi\\""'],
    ["backslash", "a\\b", '"a\\\\b"'],
    ["non-ASCII as \\DDD of its UTF-8 octets", "é", '"\\195\\169"'],
    ["control characters as \\DDD", "a\nb\tc\u0000", '"a\\010b\\009c\\000"'],
    ["DEL", "\u007f", '"\\127"'],
    ["semicolon and space stay literal inside quotes", "a; b", '"a; b"'],
  ])("%s", (_name, value, quoted) => {
    expect(quoteTxtString(value)).toBe(quoted);
  });

  test("renderTxtRdata splits then quotes each string, space-separated", () => {
    expect(renderTxtRdata("a".repeat(256))).toBe(`"${"a".repeat(255)}" "a"`);
  });
});

describe("RFC 1035 §5.1: parseTxtRdata (zone-file presentation form)", () => {
  test.each([
    ["one quoted string", '"v=spf1 -all"', ["v=spf1 -all"]],
    ["several quoted strings", '"v=DKIM1; p=MIIB" "IjANBg"', ["v=DKIM1; p=MIIB", "IjANBg"]],
    ["bare strings", "v=spf1 -all", ["v=spf1", "-all"]],
    ["bare and quoted mixed", 'abc "d e"', ["abc", "d e"]],
    ["escaped quote and backslash", '"a\\"b\\\\c"', ['a"b\\c']],
    ["\\DDD decimal escapes of UTF-8 octets", '"\\195\\169t\\195\\169"', ["été"]],
    ["\\X escape of an ordinary character", '"\\a\\;"', ["a;"]],
    ["tabs and newlines between strings", '"a"\t\n"b"', ["a", "b"]],
    ["empty quoted string", '""', [""]],
    ["nothing at all", "", []],
    ["raw non-ASCII inside quotes", '"über"', ["über"]],
  ])("%s", (_name, rdata, strings) => {
    const r = parseTxtRdata(rdata);
    expect(r.diagnostics).toEqual([]);
    expect(r.model).toEqual(strings);
  });

  test.each([
    ["unterminated quote", '"v=spf1 -all', "txt.unterminated-quote"],
    ["unterminated after an escape", '"abc\\"', "txt.unterminated-quote"],
    ["backslash at the very end", "abc\\", "txt.bad-escape"],
    ["\\DDD above 255", '"\\256"', "txt.bad-escape"],
    ["string over 255 octets", `"${"a".repeat(256)}"`, "txt.string-too-long"],
    ["string over 255 octets through escapes", `"${"\\195\\169".repeat(128)}"`, "txt.string-too-long"],
  ])("%s → %s", (_name, rdata, code) => {
    const r = parseTxtRdata(rdata, "dkim");
    expect(codes(r.diagnostics)).toContain(code);
    expect(r.diagnostics[0].field).toBe("dkim");
  });

  test("control characters inside quotes are kept as data (checkNoControlCharacters reports them)", () => {
    const r = parseTxtRdata('"a\\010b"');
    expect(r.model).toEqual(["a\nb"]);
    expect(codes(checkNoControlCharacters(joinTxt(r.model), "spf"))).toEqual(["txt.control-character"]);
  });

  test("render then parse gives back the strings, for quotes, backslashes and non-ASCII", () => {
    const value = `"quoted" \\ back é ${"x".repeat(300)} 😀`;
    const r = parseTxtRdata(renderTxtRdata(value));
    expect(r.diagnostics).toEqual([]);
    expect(joinTxt(r.model)).toBe(value);
  });
});

describe("control characters and string lengths", () => {
  test.each([
    ["\n", "\\x0a"],
    ["\r", "\\x0d"],
    ["\u0000", "\\x00"],
    ["\u007f", "\\x7f"],
    ["\t", "\\x09"],
  ])("%j is reported, printed visibly", (c, shown) => {
    const d = checkNoControlCharacters(`v=spf1${c}-all`, "spf");
    expect(codes(d)).toEqual(["txt.control-character"]);
    expect(d[0].message).toContain(shown);
    expect(d[0].field).toBe("spf");
  });

  test("a custom code namespaces the diagnostic", () => {
    expect(codes(checkNoControlCharacters("a\nb", "x", "dkim.control-character"))).toEqual(["dkim.control-character"]);
  });

  test("printable text, spaces and non-ASCII are fine", () => {
    expect(checkNoControlCharacters("v=spf1 include:_spf.google.com ~all é", "spf")).toEqual([]);
  });

  test("checkStringLengths names each over-long string", () => {
    const d = checkStringLengths(["ok", "a".repeat(256), "é".repeat(128)], "values[0]");
    expect(d.map((x) => [x.code, x.field])).toEqual([
      ["txt.string-too-long", "values[0][1]"],
      ["txt.string-too-long", "values[0][2]"],
    ]);
  });
});
