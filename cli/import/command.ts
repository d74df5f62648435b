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
import * as path from "node:path";
import { EXIT, Io, UsageError } from "../io";
import { printable } from "../../components/printable";
import { ImportFinding, dedupeFindings, formatFinding, sortFindings } from "./findings";
import { ImportResult, mapZone } from "./map";
import { DnsManager, renderTypeScript, renderYaml, withDnsManager } from "./render";
import { includeReader, readZoneInput } from "./zone-input";
import { readZoneFile } from "./zonefile";

export interface ImportOptions {
  zonefile: string;
  origin?: string;
  format?: "yaml" | "ts";
  dns?: DnsManager;
  /** Folders besides the zone file's own that `$INCLUDE` may read (`--allow-include-outside`). */
  allowIncludeOutside?: string[];
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
  if (run.result) io.stderr(`${printable(summary(run.result, run.findings, opts.zonefile))}\n`);
  io.stdout(run.output);
  return run.exitCode;
}

/** Everything but the printing, for tests and other callers. */
export function importZoneFile(opts: ImportOptions): ImportRun {
  const format = opts.format ?? "yaml";
  const dns = opts.dns ?? "cloudflare";
  if (format !== "yaml" && format !== "ts") throw new UsageError(`--format must be yaml or ts, not ${JSON.stringify(format)}.`);
  if (dns !== "cloudflare" && dns !== "route53") throw new UsageError(`--dns must be cloudflare or route53, not ${JSON.stringify(dns)}.`);
  const input = readZoneInput(opts.zonefile);
  const display = opts.zonefile;
  const zone = readZoneFile(input.text, {
    file: display,
    origin: opts.origin,
    // $INCLUDE is followed relative to the including file's folder (not the working directory),
    // so an export unpacked anywhere reads the same; it reads only inside that folder.
    include: includeReader({ zoneFile: display, allowOutside: opts.allowIncludeOutside }),
  });
  zone.findings.unshift(...input.findings);
  if (!zone.looksLikeZone) {
    const errors = zone.findings.filter((f) => f.severity === "error");
    const first = errors[0] ? ` The first problem: line ${errors[0].line}: ${errors[0].message}` : "";
    throw new UsageError(`${display} holds no DNS records: give a BIND-format zone file (RFC 1035 master file), as cPanel, VestaCP or a registrar exports it.${first}`);
  }
  if (zone.missingOrigin || zone.apex === undefined) {
    // Said once: the reader's finding already asks for --origin; without one, this sentence does.
    const why = zone.findings.find((f) => f.code === "zone.no-origin" || f.code === "zone.bad-origin");
    const fix = "Pass --origin with the domain the zone file is for, e.g. --origin example.com.";
    throw new UsageError(why ? `${display}${why.line ? `:${why.line}` : ""}: ${why.message}` : `${display}: the zone's origin is unknown (no $ORIGIN, no SOA record, no domain in the file name). ${fix}`);
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

function summary(r: ImportResult, findings: ImportFinding[], file: string): string {
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const domains = r.domains.map((d) => d.args.domain).join(", ") || "none";
  return (
    `maildomain import: ${file} (zone ${r.apex}): ${r.domains.length} mail domain${r.domains.length === 1 ? "" : "s"} (${domains}) from ${r.importedRecords} record${r.importedRecords === 1 ? "" : "s"}; ` +
    `${r.leftOutMail} mail record${r.leftOutMail === 1 ? "" : "s"} and ${r.leftOutOther} other record${r.leftOutOther === 1 ? "" : "s"} left out; ` +
    `${count("error")} error${count("error") === 1 ? "" : "s"}, ${count("warning")} warning${count("warning") === 1 ? "" : "s"}, ${count("info")} note${count("info") === 1 ? "" : "s"}.`
  );
}
