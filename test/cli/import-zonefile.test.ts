/**
 * The zone file reader of `maildomain import` (RFC 1035 §5): names, TTLs, classes, parentheses,
 * quotes and escapes, directives, and malformed lines reported with their line numbers.
 */
import fc from "fast-check";
import { originFromFileName, parseTtl, readZoneFile, resolveName, ZoneRecord } from "../../cli/import/zonefile";
import { parseTxtRdata, joinTxt } from "../../components/records/txt";

const read = (text: string, opts: Parameters<typeof readZoneFile>[1] = {}) => readZoneFile(text, { file: "test.zone", ...opts });
const rows = (records: ZoneRecord[]) => records.map((r) => [r.line, r.owner, r.ttl, r.type, r.rdata.join(" ")]);
const txtValue = (r: ZoneRecord) => joinTxt(parseTxtRdata(r.rdata.join(" ")).model);
const codes = (z: ReturnType<typeof read>) => z.findings.map((f) => `${f.line}:${f.code}`);

describe("names (RFC 1035 §5.1)", () => {
  test("@, relative and absolute owners, omitted owner repeats the previous one", () => {
    const z = read(
      ["$ORIGIN example.com.", "$TTL 300", "@ IN MX 10 mx1", "  IN MX 20 mx2.example.com.", "mail IN A 192.0.2.1", "www.example.com. IN CNAME @", "\tIN A 192.0.2.2"].join("\n"),
    );
    expect(z.findings).toEqual([]);
    expect(rows(z.records)).toEqual([
      [3, "example.com", 300, "MX", "10 mx1"],
      [4, "example.com", 300, "MX", "20 mx2.example.com."],
      [5, "mail.example.com", 300, "A", "192.0.2.1"],
      [6, "www.example.com", 300, "CNAME", "@"],
      [7, "www.example.com", 300, "A", "192.0.2.2"],
    ]);
    expect(z.records[0].origin).toBe("example.com");
    expect(z.apex).toBe("example.com");
    expect(z.apexSource).toBe("$ORIGIN");
  });

  test("$ORIGIN changes the origin from where it stands; rdata names keep the origin of their line", () => {
    const z = read(["$ORIGIN example.org.", "$TTL 1h", "@ MX 1 aspmx.l.google.com.", "$ORIGIN bounce.example.org.", "@ MX 10 feedback-smtp.us-east-1.amazonses.com.", ' TXT "v=spf1 include:amazonses.com ~all"', "$ORIGIN example.org.", "_dmarc TXT \"v=DMARC1; p=none\""].join("\n"));
    expect(rows(z.records).map((r) => r.slice(1, 4))).toEqual([
      ["example.org", 3600, "MX"],
      ["bounce.example.org", 3600, "MX"],
      ["bounce.example.org", 3600, "TXT"],
      ["_dmarc.example.org", 3600, "TXT"],
    ]);
    expect(z.records[1].origin).toBe("bounce.example.org");
  });

  test("names are case-insensitive: stored in lower case", () => {
    const z = read('$ORIGIN Example.COM.\nMail._DomainKey 60 IN TXT "p="');
    expect(z.records[0].owner).toBe("mail._domainkey.example.com");
  });

  test("resolveName: escapes, the root, errors", () => {
    expect(resolveName("a\\065b", "example.com")).toEqual({ name: "aab.example.com" });
    expect(resolveName(".", "example.com")).toEqual({ name: "" });
    expect(resolveName("host.", undefined)).toEqual({ name: "host" });
    expect(resolveName("host", undefined).error).toBe("no-origin");
    expect(resolveName("a..b.", "x").error).toMatch(/empty label/);
    expect(resolveName("a\\.b", "x").error).toMatch(/escaped dot/);
  });

  test("a relative $ORIGIN is relative to the previous origin, with a warning", () => {
    const z = read('$ORIGIN example.com.\n$ORIGIN sub\n@ 60 TXT "x"');
    expect(z.records[0].owner).toBe("sub.example.com");
    expect(codes(z)).toEqual(["2:zone.relative-origin"]);
  });

  test("a line starting with IN in the first column is an owner named IN: warned", () => {
    const z = read('$ORIGIN example.com.\n$TTL 60\n@ MX 10 mx\nIN MX 20 mx2');
    expect(z.records[1].owner).toBe("in.example.com");
    expect(codes(z)).toEqual(["4:zone.owner-looks-like-field"]);
  });
});

describe("TTL and class (RFC 1035 §5.1, RFC 2308 §4)", () => {
  test("TTL and class in either order, omitted, with units", () => {
    const z = read(["$ORIGIN example.com.", "$TTL 2h", "a 600 IN A 192.0.2.1", "b IN 1d A 192.0.2.2", "c IN A 192.0.2.3", "d A 192.0.2.4", "e 1w2d A 192.0.2.5"].join("\n"));
    expect(z.records.map((r) => [r.owner.split(".")[0], r.ttl])).toEqual([
      ["a", 600],
      ["b", 86400],
      ["c", 7200],
      ["d", 7200],
      ["e", 777600],
    ]);
  });

  test("without $TTL an omitted TTL is the last explicit one (RFC 1035), else the SOA minimum", () => {
    const z = read(["$ORIGIN example.com.", "@ IN SOA ns1 host ( 1 2 3 4 900 )", "a IN A 192.0.2.1", "b 60 IN A 192.0.2.2", "c IN A 192.0.2.3"].join("\n"));
    expect(z.records.map((r) => r.ttl)).toEqual([900, 900, 60, 60]);
  });

  test("no TTL at all: 3600 with one warning", () => {
    const z = read("$ORIGIN example.com.\na A 192.0.2.1\nb A 192.0.2.2");
    expect(z.records.map((r) => r.ttl)).toEqual([3600, 3600]);
    expect(codes(z)).toEqual(["2:zone.no-ttl"]);
  });

  test("parseTtl", () => {
    expect(parseTtl("3600")).toBe(3600);
    expect(parseTtl("1H30M")).toBe(5400);
    expect(parseTtl("1x")).toBeUndefined();
    expect(parseTtl("IN")).toBeUndefined();
  });

  test("a class other than IN is left out with a warning", () => {
    const z = read('$ORIGIN example.com.\n$TTL 60\nversion CH TXT "1"\n@ IN MX 0 .');
    expect(z.records.map((r) => r.type)).toEqual(["MX"]);
    expect(codes(z)).toEqual(["3:zone.class"]);
  });
});

describe("parentheses, comments, quotes (RFC 1035 §5.1)", () => {
  test("a cPanel SOA over several lines with comments, and a TXT split over lines", () => {
    const text = [
      "; cPanel first:110.0.18 (update_time):1715770000 Cpanel::ZoneFile::VERSION:1.3",
      "$TTL 14400",
      "example.com.\t86400\tIN\tSOA\tns1.hosting.example.\thostmaster.hosting.example.\t(",
      "\t\t\t2024051503 ;Serial Number",
      "\t\t\t3600 ;refresh",
      "\t\t\t1800 ;retry",
      "\t\t\t1209600 ;expire",
      "\t\t\t86400 ;minimum",
      "\t)",
      "default._domainkey\t14400\tIN\tTXT\t( \"v=DKIM1; k=rsa; \"",
      "\t\t\"p=MIIB;\" ) ; a comment with \"quotes\" (and parentheses)",
      "_dmarc 14400 IN TXT \"v=DMARC1; p=none; rua=mailto:d@example.com\" ; trailing comment",
    ].join("\n");
    const z = read(text);
    expect(z.findings).toEqual([]);
    expect(z.apex).toBe("example.com");
    expect(z.apexSource).toBe("SOA");
    expect(rows(z.records).map((r) => r.slice(0, 4))).toEqual([
      [3, "example.com", 86400, "SOA"],
      [10, "default._domainkey.example.com", 14400, "TXT"],
      [12, "_dmarc.example.com", 14400, "TXT"],
    ]);
    expect(z.records[0].rdata).toEqual(["ns1.hosting.example.", "hostmaster.hosting.example.", "2024051503", "3600", "1800", "1209600", "86400"]);
    expect(txtValue(z.records[1])).toBe("v=DKIM1; k=rsa; p=MIIB;");
    expect(txtValue(z.records[2])).toBe("v=DMARC1; p=none; rua=mailto:d@example.com");
  });

  test("quoted strings keep ; ( ) and spaces; escapes \\\" \\\\ \\DDD are decoded by the core", () => {
    const z = read(String.raw`$ORIGIN example.com.
$TTL 60
@ TXT "v=spf1 include:_spf.example.net \126all"
q TXT "a \"quoted\" word; (paren)" "back\\slash" ""`);
    expect(z.findings).toEqual([]);
    expect(txtValue(z.records[0])).toBe("v=spf1 include:_spf.example.net ~all");
    expect(parseTxtRdata(z.records[1].rdata.join(" ")).model).toEqual(['a "quoted" word; (paren)', "back\\slash", ""]);
  });

  test("adjacent quoted strings without a space, and escaped spaces in an unquoted string", () => {
    const z = read(String.raw`$ORIGIN example.com.
$TTL 60
default._domainkey TXT "v=DKIM1; k=rsa; ""p=MIIB;"
@ TXT v=spf1\ mx\ -all`);
    expect(z.findings).toEqual([]);
    expect(parseTxtRdata(z.records[0].rdata.join(" ")).model).toEqual(["v=DKIM1; k=rsa; ", "p=MIIB;"]);
    expect(parseTxtRdata(z.records[1].rdata.join(" ")).model).toEqual(["v=spf1 mx -all"]);
  });

  test("a byte-order mark and CRLF line ends are accepted", () => {
    const z = read('\ufeff$ORIGIN example.com.\r\n$TTL 60\r\n@ TXT "v=spf1 -all"\r\n');
    expect(z.findings).toEqual([]);
    expect(txtValue(z.records[0])).toBe("v=spf1 -all");
  });
});

describe("malformed lines are findings with their line number; the reader never throws", () => {
  test.each([
    ["unterminated quote", '$ORIGIN example.com.\n$TTL 60\n@ TXT "v=spf1 -all\nok A 192.0.2.1', ["3:zone.unterminated-quote"], ["A"]],
    ["unknown type", "$ORIGIN example.com.\n$TTL 60\n@ IN MXX 10 mx\nok A 192.0.2.1", ["3:zone.unknown-type"], ["A"]],
    ["missing rdata", "$ORIGIN example.com.\n$TTL 60\n@ IN MX\nok A 192.0.2.1", ["3:zone.missing-rdata"], ["A"]],
    ["missing type", "$ORIGIN example.com.\n$TTL 60\n@ 60 IN\nok A 192.0.2.1", ["3:zone.missing-type"], ["A"]],
    ["stray )", "$ORIGIN example.com.\n$TTL 60\n@ MX 10 mx )\nok A 192.0.2.1", ["3:zone.unbalanced-parenthesis"], ["A"]],
    ["unclosed (", "$ORIGIN example.com.\n$TTL 60\nok A 192.0.2.1\n@ SOA ns host ( 1 2 3\n4 5\n", ["4:zone.unbalanced-parenthesis"], ["A"]],
    ["blank owner first", "$ORIGIN example.com.\n$TTL 60\n  MX 10 mx\nok A 192.0.2.1", ["3:zone.no-owner"], ["A"]],
    ["unknown directive", "$ORIGIN example.com.\n$TLL 60\nok 60 A 192.0.2.1", ["2:zone.unknown-directive"], ["A"]],
    ["bad $TTL", "$ORIGIN example.com.\n$TTL forever\nok 60 A 192.0.2.1", ["2:zone.bad-ttl"], ["A"]],
    ["$GENERATE", "$ORIGIN example.com.\n$GENERATE 1-10 host$ A 192.0.2.$\nok 60 A 192.0.2.1", ["2:zone.generate"], ["A"]],
    ["SOA with too few fields", "$ORIGIN example.com.\n@ 60 SOA ns host 1 2 3\nok 60 A 192.0.2.1", ["2:zone.syntax"], ["SOA", "A"]],
  ])("%s", (_name, text, expected, types) => {
    const z = read(text);
    expect(codes(z)).toEqual(expected);
    expect(z.records.map((r) => r.type)).toEqual(types);
    for (const f of z.findings) expect(f.file).toBe("test.zone");
  });

  test("random text never throws", () => {
    const alphabet = fc.constantFrom(..."ab.@$ \t\n;()\"\\0123456789INMXTXSOA");
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), (chars) => {
        const z = read(chars.join(""), { origin: "example.com" });
        expect(Array.isArray(z.records)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("origin", () => {
  const relative = '$TTL 60\n@ IN SOA ns1 host ( 1 2 3 4 5 )\n@ MX 10 mail\nmail A 192.0.2.1';
  test("--origin gives the origin of a file without $ORIGIN", () => {
    const z = read(relative, { origin: "Example.NET" });
    expect(z.missingOrigin).toBe(false);
    expect(z.apex).toBe("example.net");
    expect(z.records.map((r) => r.owner)).toEqual(["example.net", "example.net", "mail.example.net"]);
  });

  test("without --origin, $ORIGIN or an absolute SOA owner, the file name (VestaCP's example.net.db) is used, with a note", () => {
    const z = readZoneFile(relative, { file: "/home/admin/conf/dns/example.net.db" });
    expect(z.apex).toBe("example.net");
    expect(z.findings.map((f) => f.code)).toEqual(["zone.origin-from-file-name"]);
  });

  test("with no way to know the origin, missingOrigin is set (the command asks for --origin)", () => {
    const z = readZoneFile(relative, { file: "export.txt" });
    expect(z.missingOrigin).toBe(true);
    expect(z.findings.map((f) => f.code)).toContain("zone.no-origin");
  });

  test("--origin different from the SOA owner: the SOA owner is the apex, with a warning", () => {
    const z = read("example.com. 60 IN SOA ns host 1 2 3 4 5\n@ 60 MX 0 .", { origin: "example.org" });
    expect(z.apex).toBe("example.com");
    expect(z.findings.map((f) => f.code)).toEqual(["zone.origin-mismatch"]);
  });

  test("originFromFileName", () => {
    expect(originFromFileName("example.com.db")).toBe("example.com");
    expect(originFromFileName("/var/named/db.example.org")).toBe("example.org");
    expect(originFromFileName("example.co.uk.zone")).toBe("example.co.uk");
    expect(originFromFileName("zone.txt")).toBeUndefined();
    expect(originFromFileName("export")).toBeUndefined();
  });
});

describe("$INCLUDE, resolved relative to the including file", () => {
  const files: Record<string, string> = {
    "dir/keys.zone": 'mail._domainkey 60 TXT "v=DKIM1; p="\n$INCLUDE more.zone',
    "dir/more.zone": '_dmarc 60 TXT "v=DMARC1; p=none"',
    "dir/loop.zone": "$INCLUDE loop.zone",
  };
  const include = (name: string, from: string) => {
    const file = `${from.includes("/") ? from.slice(0, from.lastIndexOf("/") + 1) : ""}${name}`;
    return files[file] !== undefined ? { file, text: files[file] } : { error: "no such file" };
  };

  test("records of included files, with their own file and line; the origin reverts after", () => {
    const z = readZoneFile('$ORIGIN example.com.\n$TTL 60\n$INCLUDE keys.zone sub.example.com.\n@ MX 0 .', { file: "dir/main.zone", include });
    expect(z.findings).toEqual([]);
    expect(z.records.map((r) => [r.file, r.line, r.owner])).toEqual([
      ["dir/keys.zone", 1, "mail._domainkey.sub.example.com"],
      ["dir/more.zone", 1, "_dmarc.sub.example.com"],
      ["dir/main.zone", 4, "example.com"],
    ]);
  });

  test("a missing file, a loop, and $INCLUDE without a reader are errors", () => {
    expect(codes(readZoneFile("$ORIGIN example.com.\n$INCLUDE nope.zone", { file: "dir/main.zone", include }))).toEqual(["2:zone.include"]);
    const loop = readZoneFile("$ORIGIN example.com.\n$INCLUDE loop.zone", { file: "dir/main.zone", include });
    expect(loop.findings.map((f) => f.code)).toEqual(["zone.include"]);
    expect(loop.findings[0].message).toMatch(/loop/);
    expect(codes(readZoneFile("$ORIGIN example.com.\n$INCLUDE keys.zone", { file: "main.zone" }))).toEqual(["2:zone.include"]);
  });
});

test("a backslash before a line break does not continue a quoted string; line numbers stay right", () => {
  const z = read('$ORIGIN example.com.\n$TTL 60\n@ TXT "v=spf1 \\\nmx -all"\nok A 192.0.2.1');
  expect(codes(z)).toEqual(["3:zone.unterminated-quote", "4:zone.unterminated-quote"]);
  expect(z.records.map((r) => [r.line, r.type])).toEqual([[5, "A"]]);
});
