/**
 * `maildomain import` on hostile input (issue 10, item 1): every byte sequence reads or becomes a
 * finding; `$INCLUDE` stays in the zone file's folder, reads regular files only and within a
 * budget; what a file that is not a zone holds is never printed; control characters in names are
 * shown escaped. Every hostile input is made here, none is checked in.
 */
import { execFileSync, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/main";
import { FindingBudget } from "../../cli/import/findings";
import { readZoneFile } from "../../cli/import/zonefile";
import { captureIo } from "../support/io";

const read = (text: string, opts: Parameters<typeof readZoneFile>[1] = {}) => readZoneFile(text, { file: "test.zone", ...opts });

async function importCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await main(["import", ...args], io);
  return { code, out: io.stdoutText, err: io.stderrText };
}

/** A deterministic pseudo-random byte string (xorshift), so a failure can be reproduced. */
function garbage(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe("characters that look like blanks (the reader used to loop forever on each)", () => {
  const cases: [string, string][] = [
    ["no-break space", "\u00a0"],
    ["form feed", "\f"],
    ["vertical tab", "\v"],
    ["line separator U+2028", "\u2028"],
    ["paragraph separator U+2029", "\u2029"],
    ["BOM in mid-file", "\ufeff"],
    ["ideographic space", "\u3000"],
    ["zero-width space", "\u200b"],
    ["en space", "\u2002"],
  ];

  test.each(cases)("%s between fields: read as a space, with a warning on its line", (_name, c) => {
    const z = read(`$ORIGIN example.com.\n$TTL 60\n@ IN${c}MX 10 mx1\n@${c}IN TXT "v=spf1${c}mx -all"\n`);
    expect(z.records.map((r) => [r.line, r.type, r.rdata.join(" ")])).toEqual([
      [3, "MX", "10 mx1"],
      // inside quotes it is part of the text, as written
      [4, "TXT", `"v=spf1${c}mx -all"`],
    ]);
    expect(z.findings.map((f) => `${f.line}:${f.severity}:${f.code}`)).toEqual(["3:warning:zone.unusual-blank", "4:warning:zone.unusual-blank"]);
    expect(z.findings[0].message).toMatch(/read as a space\. Replace it with a plain space/);
  });

  test("at the start of a line it repeats the previous owner, like a space", () => {
    const z = read("$ORIGIN example.com.\n$TTL 60\nmail IN A 192.0.2.1\n\u00a0IN AAAA 2001:db8::1\n");
    expect(z.records.map((r) => r.owner)).toEqual(["mail.example.com", "mail.example.com"]);
  });

  test("a line made only of them, and the file's leading BOM (not warned: it is the UTF-8 signature)", () => {
    const z = read("\ufeff$ORIGIN example.com.\n\v\f\u00a0\n@ 60 MX 0 .\n");
    expect(z.records).toHaveLength(1);
    expect(z.findings.map((f) => `${f.line}:${f.code}`)).toEqual(["2:zone.unusual-blank"]);
  });
});

describe("binary garbage reads as findings, bounded", () => {
  test.each([1, 2, 3])("1 MB of pseudo-random bytes (seed %i): no exception, findings bounded, every line counted", (seed) => {
    const bytes = garbage(1 << 20, seed);
    const z = read(bytes.toString("utf8"));
    // Each finding code is listed at most 200 times, plus one line that counts the rest.
    const perCode = new Map<string, number>();
    for (const f of z.findings) perCode.set(f.code, (perCode.get(f.code) ?? 0) + 1);
    for (const n of perCode.values()) expect(n).toBeLessThanOrEqual(201);
    expect(z.findings.length).toBeLessThan(3000);
    const counted = z.findings.filter((f) => /more lines? with this problem/.test(f.message));
    for (const c of counted) expect(c.message).toMatch(/^[\d,]+ more lines? with this problem .* the last is test\.zone:\d+\.$/);
  });

  test("the same bytes as latin1 text, and every single character from U+0000 to U+FFFF alone on a line", () => {
    expect(() => read(garbage(1 << 20, 9).toString("latin1"))).not.toThrow();
    const all = Array.from({ length: 0x10000 }, (_, c) => (c >= 0xd800 && c <= 0xdfff ? "" : `@ 60 TXT x${String.fromCharCode(c)}y`)).join("\n");
    const z = read(`$ORIGIN example.com.\n${all}\n`);
    expect(z.records.length).toBeGreaterThan(60000);
  });

  test("a million lines with the same problem: 200 listed, the rest counted in one finding", () => {
    const z = read("$ORIGIN example.com.\n" + "x\n".repeat(1_000_000));
    const missing = z.findings.filter((f) => f.code === "zone.missing-type");
    expect(missing).toHaveLength(201);
    expect(missing[200].message).toBe("999,800 more lines with this problem are not listed one by one (the first 200 are); the last is test.zone:1000001.");
  });

  test("FindingBudget: the first of each code listed, the rest counted with the last place", () => {
    const budget = new FindingBudget(2);
    for (let i = 1; i <= 5; i++) budget.push({ code: "zone.x", severity: "error", field: "", message: "m", rfc: "", breaksStandard: true, file: "f", line: i });
    budget.push({ code: "zone.y", severity: "warning", field: "", message: "n", rfc: "", breaksStandard: false, file: "f", line: 9 });
    const list = budget.list();
    expect(list.map((f) => [f.code, f.line])).toEqual([["zone.x", 1], ["zone.x", 2], ["zone.y", 9], ["zone.x", 3]]);
    expect(list[3].message).toMatch(/^3 more lines with this problem .* the last is f:5\.$/);
  });

  test("through the CLI: a garbage file without NUL bytes is read (exit 1 or 2, a clear message); with NUL bytes it is refused", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-garbage-"));
    try {
      const noNul = Buffer.from(garbage(1 << 20, 4).map((b) => (b === 0 ? 0x20 : b)));
      fs.writeFileSync(path.join(dir, "example.com.db"), Buffer.concat([Buffer.from("$TTL 60\n@ MX 10 mx1\n"), noNul]));
      const r = await importCli([path.join(dir, "example.com.db")]);
      expect([1, 2]).toContain(r.code);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.err).toMatch(/zone\.not-utf8/);
      // Nothing raw reaches the terminal: no ESC, no C1 controls, no bare CR.
      expect(r.err).not.toMatch(/[\u001b\u0080-\u009f\r]/);
      fs.writeFileSync(path.join(dir, "bin.db"), garbage(1 << 20, 5));
      const bin = await importCli([path.join(dir, "bin.db")]);
      expect(bin.code).toBe(2);
      expect(bin.err).toMatch(/is not a text file \(it contains NUL bytes\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the zone file itself", () => {
  test("a device is refused without reading it; a pipe (<(…)) is read", async () => {
    const zero = await importCli(["/dev/zero"]);
    expect(zero.code).toBe(2);
    expect(zero.err).toMatch(/\/dev\/zero is not a regular file \(a device or a socket\)/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-pipe-"));
    try {
      const fifo = path.join(dir, "example.com.db");
      execFileSync("mkfifo", [fifo]);
      // A writer in another process, as a shell's process substitution would be.
      const writer = spawn("sh", ["-c", `printf '$TTL 60\\n@ MX 10 mx1\\n' > ${fifo}`]);
      const r = await importCli([fifo]);
      await new Promise((res) => writer.on("exit", res));
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/host: mx1\.example\.com/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("$INCLUDE reads only zone files in the zone file's folder, within a budget", () => {
  let dir: string;
  let zones: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-include-"));
    zones = path.join(dir, "zones");
    fs.mkdirSync(path.join(zones, "keys"), { recursive: true });
    fs.writeFileSync(path.join(zones, "keys", "dkim.zone"), 'mail._domainkey 60 TXT "v=DKIM1; p="\n');
    fs.writeFileSync(path.join(dir, "outside.zone"), '_dmarc 60 TXT "v=DMARC1; p=reject"\n');
    fs.writeFileSync(path.join(dir, "secret.txt"), "root:x:0:0:SECRET-CANARY-1:/root:/bin/bash\napi_key=SECRET-CANARY-2\n");
    fs.symlinkSync(path.join(dir, "secret.txt"), path.join(zones, "innocent.zone"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const zoneWith = (name: string, ...includes: string[]) => {
    const file = path.join(zones, name);
    fs.writeFileSync(file, `$ORIGIN example.com.\n$TTL 60\n@ MX 10 mx1\n@ TXT "v=spf1 mx -all"\n${includes.map((i) => `$INCLUDE ${i}\n`).join("")}`);
    return file;
  };

  test("a file in a subfolder is read", async () => {
    const r = await importCli([zoneWith("ok.zone", "keys/dkim.zone")]);
    expect(r.err).not.toMatch(/zone\.include/);
    expect(r.out).toMatch(/selector: mail/);
  });

  test.each([
    ["an absolute path", () => "/etc/passwd"],
    ["a path up and out", () => "../../../../../../etc/passwd"],
    ["a sibling folder", () => "../outside.zone"],
    ["a symbolic link inside the folder to a file outside", () => "innocent.zone"],
  ])("%s is refused, and nothing of the file is printed", async (_what, target) => {
    const r = await importCli([zoneWith("out.zone", target())]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error zone\.include: \$INCLUDE .*: it is outside the zone file's folder .* Pass --allow-include-outside DIR/);
    expect(r.err).not.toMatch(/root:|SECRET-CANARY|DMARC1/);
  });

  test("--allow-include-outside allows a folder; a file there that is not a zone is still not read, nor shown", async () => {
    const zone = zoneWith("allowed.zone", "../outside.zone", "../secret.txt", "innocent.zone");
    const r = await importCli([zone, "--allow-include-outside", dir]);
    expect(r.out).toMatch(/policy: reject/);
    expect(r.err).toMatch(/\$INCLUDE \.\.\/secret\.txt: .*secret\.txt is not a zone file \(0 of its 2 lines are records or directives\): nothing is read from it, and its content is not shown/);
    expect(r.err).toMatch(/\$INCLUDE innocent\.zone: .* is not a zone file/);
    expect(r.err).not.toMatch(/SECRET-CANARY|root:x/);
    const missing = await importCli([zone, "--allow-include-outside", path.join(dir, "nope")]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--allow-include-outside .*nope: no such file/);
  });

  test("a private key file in the folder is not read and not shown", async () => {
    const pem = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    fs.writeFileSync(path.join(zones, "dkim.key"), pem);
    const r = await importCli([zoneWith("key.zone", "dkim.key")]);
    expect(r.err).toMatch(/dkim\.key is not a zone file/);
    const body = pem.split("\n")[1];
    expect(r.err).not.toContain(body.slice(0, 20));
    expect(r.err).not.toMatch(/PRIVATE KEY/);
  });

  test("devices, FIFOs, directories and /proc are refused without reading them (no hang, no 10 GB)", async () => {
    const fifo = path.join(zones, "pipe.zone");
    execFileSync("mkfifo", [fifo]);
    fs.mkdirSync(path.join(zones, "folder.zone"));
    const r = await importCli([zoneWith("dev.zone", "/dev/zero", "/dev/urandom", "pipe.zone", "folder.zone", "/proc/self/environ"), "--allow-include-outside", "/dev", "--allow-include-outside", "/proc"]);
    expect(r.err).toMatch(/\$INCLUDE \/dev\/zero: it is not a regular file/);
    expect(r.err).toMatch(/\$INCLUDE \/dev\/urandom: it is not a regular file/);
    expect(r.err).toMatch(/\$INCLUDE pipe\.zone: it is not a regular file/);
    expect(r.err).toMatch(/\$INCLUDE folder\.zone: it is not a regular file/);
    // /proc/self/environ is a regular file: it holds NUL bytes, so it is not a text file
    expect(r.err).toMatch(/\$INCLUDE \/proc\/self\/environ: it is not a text file/);
    expect(r.err).not.toMatch(/PATH=|HOME=/);
    expect(r.out).toMatch(/domain: example\.com/);
  });

  test("a 10-way fan-out 7 levels deep stops at the budget with one finding (it used to read 10⁷ files)", async () => {
    for (let level = 0; level < 7; level++) {
      const next = level === 6 ? ['x 60 TXT "leaf"'] : Array.from({ length: 10 }, () => `$INCLUDE l${level + 1}.zone`);
      fs.writeFileSync(path.join(zones, `l${level}.zone`), `${next.join("\n")}\n`);
    }
    const r = await importCli([zoneWith("fan.zone", "l0.zone")]);
    const budget = r.err.split("\n").filter((l) => /the most one import reads/.test(l));
    expect(budget).toHaveLength(1);
    expect(budget[0]).toMatch(/has already read 256 included files, .* [\d,]+ \$INCLUDE lines were not followed in all\./);
  });

  test("the size budget counts every included file; a file larger than what is left is refused", () => {
    const files: Record<string, string> = { "a.zone": 'a 60 TXT "' + "x".repeat(100) + '"\n', "b.zone": 'b 60 TXT "' + "y".repeat(100) + '"\n' };
    const include = (name: string, _from: string, maxBytes: number) => {
      const text = files[name];
      if (text === undefined) return { error: "no such file" };
      return text.length > maxBytes ? { error: `it is larger than the ${maxBytes} bytes left` } : { file: name, text };
    };
    const z = read("$ORIGIN example.com.\n$INCLUDE a.zone\n$INCLUDE b.zone\n$INCLUDE a.zone\n", { include, includeLimits: { maxFiles: 10, maxBytes: 150 } });
    expect(z.records.map((r) => r.owner)).toEqual(["a.example.com"]);
    expect(z.findings.map((f) => `${f.line}:${f.code}`)).toEqual(["3:zone.include", "4:zone.include"]);
    expect(z.findings[0].message).toMatch(/larger than the 38 bytes left/);
    expect(z.findings[1].message).toMatch(/larger than the 38 bytes left/);
    const full = read("$ORIGIN example.com.\n$INCLUDE a.zone\n$INCLUDE b.zone\n$INCLUDE b.zone\n", { include, includeLimits: { maxFiles: 10, maxBytes: 112 } });
    expect(full.findings.map((f) => `${f.line}:${f.code}`)).toEqual(["3:zone.include"]);
    expect(full.findings[0].message).toMatch(/has already read 112 characters of included files, .* 2 \$INCLUDE lines were not followed in all\./);
  });
});

describe("what a line holds is not echoed; names are shown escaped", () => {
  test("a file that is not a zone: the usage error names the line, not its content", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-notzone-"));
    try {
      const file = path.join(dir, "example.com.db");
      fs.writeFileSync(file, "password = SECRET-CANARY-3\n");
      const r = await importCli([file]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/holds no DNS records/);
      expect(r.err).not.toContain("SECRET-CANARY");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("zone.missing-type, zone.unknown-type, zone.bad-ttl and zone.unknown-directive say what is wrong without quoting the line", () => {
    const z = read("$ORIGIN example.com.\n$TTL 60\nSECRET-CANARY-4\nhost 60 IN SECRET:CANARY:5 x\n$TTL SECRET-CANARY-6:\n$SECRET:CANARY:7\nmail 60 IN MXX 10 mx\n");
    expect(z.findings.map((f) => `${f.line}:${f.code}`)).toEqual(["3:zone.missing-type", "4:zone.unknown-type", "5:zone.bad-ttl", "6:zone.unknown-directive", "7:zone.unknown-type"]);
    expect(z.findings.map((f) => f.message).join("\n")).not.toMatch(/SECRET|CANARY/);
    // a short plain token, such as a mistyped type, is still named
    expect(z.findings[4].message).toMatch(/field 4 of the line, "MXX", is where the record type belongs/);
  });

  test("control characters in names, escaped or raw, are printed as \\DDD in every finding and in the summary", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-ctl-"));
    try {
      const file = path.join(dir, "zone.db");
      fs.writeFileSync(
        file,
        [
          "$ORIGIN ex\\027[2Jample.com.",
          "$TTL 60",
          "@ MX 10 mx1",
          'se\\027]0\\;pwned\\007l._domainkey TXT "v=DKIM1; p="',
          "raw\u001b[31mred 60 MX 10 mx1",
          "bidi\u202eevil 60 MX 10 mx1",
          "\\010newline 60 MX 10 mx1",
        ].join("\n"),
      );
      const r = await importCli([file]);
      expect(r.err).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(r.err).toMatch(/ex\\027\[2jample\.com/);
      expect(r.err).toMatch(/raw\\027\[31mred/);
      expect(r.err).toMatch(/bidi\\226\\128\\174evil/);
      expect(r.err).toMatch(/\\010newline/);
      expect(r.err).toMatch(/se\\027\]0;pwned\\007l/);
      expect(r.err.trim().split("\n").pop()).toMatch(/^maildomain import: .*zone ex\\027\[2jample\.com/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a zone without origin", () => {
  test("asks for --origin once", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-noorigin-"));
    try {
      const file = path.join(dir, "zone.txt");
      fs.writeFileSync(file, "$TTL 300\n@ IN MX 10 mx1\n");
      const r = await importCli([file]);
      expect(r.code).toBe(2);
      expect(r.err.match(/--origin/gi)).toHaveLength(2); // "pass --origin … e.g. --origin example.com"
      expect(r.err.match(/pass --origin/gi)).toHaveLength(1);
      expect(r.err).toMatch(/zone\.txt:2: owner name "@" is relative, but the file has no \$ORIGIN before it and no absolute SOA owner, so the zone's origin is unknown: pass --origin with the domain the zone file is for, e\.g\. --origin example\.com\./);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
