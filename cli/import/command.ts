/**
 * `maildomain import ZONEFILE [--origin NAME] [--format yaml|ts] [--dns cloudflare|route53]`
 *
 * Reads a BIND-format zone export (cPanel, VestaCP, any registrar), maps its mail records into
 * `MailDomain` args and prints them on stdout: stack config YAML for the repo's stack program
 * (default) or a TypeScript snippet. Every finding (the records' validation by the core, zone file
 * syntax, every record left out and why) goes to stderr, so stdout can be redirected or pasted
 * as it is.
 *
 * Exit codes: 0 imported (findings, if any, are warnings or notes); 1 imported, but a finding is an
 * error: a zone file line that could not be read, a record that breaks its standard (e.g.
 * `pct=50%`, two SPF records), or args the component would refuse. The output is printed in full in
 * both cases. 2 usage errors: the file cannot be read, or no origin is known (pass `--origin`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { EXIT, Io, UsageError } from "../io";
import { ImportFinding, dedupeFindings, formatFinding, sortFindings } from "./findings";
import { ImportResult, mapZone } from "./map";
import { DnsManager, renderTypeScript, renderYaml, withDnsManager } from "./render";
import { IncludedFile, readZoneFile } from "./zonefile";

export interface ImportOptions {
  zonefile: string;
  origin?: string;
  format?: "yaml" | "ts";
  dns?: DnsManager;
}

export interface ImportRun {
  result?: ImportResult;
  findings: ImportFinding[];
  /** What goes to stdout. */
  output: string;
  exitCode: number;
}

/** The command: reads the file, prints, returns the exit code. Usage errors throw `UsageError`. */
export async function runImport(opts: ImportOptions, io: Io): Promise<number> {
  const run = importZoneFile(opts);
  for (const f of run.findings) io.stderr(`${formatFinding(f)}\n`);
  if (run.result) io.stderr(`${summary(run.result, run.findings, opts.zonefile)}\n`);
  io.stdout(run.output);
  return run.exitCode;
}

/** Everything but the printing, for tests and other callers. */
export function importZoneFile(opts: ImportOptions): ImportRun {
  const format = opts.format ?? "yaml";
  const dns = opts.dns ?? "cloudflare";
  if (format !== "yaml" && format !== "ts") throw new UsageError(`--format must be yaml or ts, not ${JSON.stringify(format)}.`);
  if (dns !== "cloudflare" && dns !== "route53") throw new UsageError(`--dns must be cloudflare or route53, not ${JSON.stringify(dns)}.`);
  const text = readText(opts.zonefile);
  const display = opts.zonefile;
  const absolute = new Map<string, string>([[display, path.resolve(opts.zonefile)]]);
  const zone = readZoneFile(text, {
    file: display,
    origin: opts.origin,
    // $INCLUDE is followed relative to the including file's folder (not the working directory),
    // so an export unpacked anywhere reads the same.
    include: (name: string, fromFile: string): IncludedFile | { error: string } => {
      const base = path.dirname(absolute.get(fromFile) ?? path.resolve(fromFile));
      const abs = path.resolve(base, name);
      const shown = path.isAbsolute(name) ? name : path.join(path.dirname(fromFile), name);
      try {
        const included = fs.readFileSync(abs, "utf8");
        absolute.set(shown, abs);
        return { file: shown, text: included };
      } catch (e) {
        return { error: `cannot read ${abs} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
      }
    },
  });
  if (!zone.looksLikeZone) {
    const errors = zone.findings.filter((f) => f.severity === "error");
    const first = errors[0] ? ` The first problem: line ${errors[0].line}: ${errors[0].message}` : "";
    throw new UsageError(`${display} holds no DNS records: give a BIND-format zone file (RFC 1035 master file), as cPanel, VestaCP or a registrar exports it.${first}`);
  }
  if (zone.missingOrigin || zone.apex === undefined) {
    const why = zone.findings.filter((f) => f.code === "zone.no-origin" || f.code === "zone.bad-origin").map((f) => f.message)[0];
    throw new UsageError(`${display}: the zone's origin is unknown${why ? ` (${why})` : ""}. Pass --origin example.com (the domain the zone file is for).`);
  }
  const result = mapZone(zone.apex, zone.records);
  const findings = sortFindings(dedupeFindings([...zone.findings, ...result.findings]));
  const entries = result.domains.map((d) => withDnsManager(d.args, dns, zone.apex as string));
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.filter((f) => f.severity === "warning").length;
  const header = [
    `Imported by \`maildomain import ${path.basename(display)}\` from the zone ${zone.apex}: ${entries.length} mail domain${entries.length === 1 ? "" : "s"}.`,
    `${errors} error${errors === 1 ? "" : "s"} and ${warnings} warning${warnings === 1 ? "" : "s"} were printed on stderr with the records left out: read them before deploying.`,
  ];
  const output = format === "ts" ? renderTypeScript(entries, header) : renderYaml(entries, header);
  return { result, findings, output, exitCode: errors > 0 ? EXIT.failed : EXIT.ok };
}

function readText(file: string): string {
  let buf: Buffer;
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new UsageError(`${file} is a directory: give the zone file itself.`);
    buf = fs.readFileSync(file);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (e as Error).message;
    throw new UsageError(`cannot read the zone file ${file}: ${why}.`);
  }
  if (buf.includes(0)) throw new UsageError(`${file} is not a text file (it contains NUL bytes): give a BIND-format zone file.`);
  return buf.toString("utf8");
}

function summary(r: ImportResult, findings: ImportFinding[], file: string): string {
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const domains = r.domains.map((d) => d.args.domain).join(", ") || "none";
  return (
    `maildomain import: ${file} (zone ${r.apex}): ${r.domains.length} mail domain${r.domains.length === 1 ? "" : "s"} (${domains}) from ${r.importedRecords} record${r.importedRecords === 1 ? "" : "s"}; ` +
    `${r.leftOutMail} mail record${r.leftOutMail === 1 ? "" : "s"} and ${r.leftOutOther} other record${r.leftOutOther === 1 ? "" : "s"} left out; ` +
    `${count("error")} error${count("error") === 1 ? "" : "s"}, ${count("warning")} warning${count("warning") === 1 ? "" : "s"}, ${count("info")} note${count("info") === 1 ? "" : "s"}.`
  );
}
