/**
 * Aggregate reports from a real generator: Perl's Mail::DMARC (Debian's libmail-dmarc-perl), driven by
 * mail-dmarc/generate.pl. Gives the XML the library writes and the report e-mail it would send (gzip attachment).
 *
 * OpenDMARC's opendmarc-reports was not used: it reads its history from a MySQL database that a test would have
 * to install and fill first; Mail::DMARC builds the same RFC 7489 documents from its own objects.
 *
 * When the library is missing this is an error in CI (CI=true) and a skip elsewhere (`mailDmarcAvailable`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AggregateRecord } from "../../reports/model";

export interface MailDmarcSpec {
  orgName: string;
  email: string;
  reportId: string;
  begin: number;
  end: number;
  policy: { domain: string; p: string; sp?: string; adkim?: string; aspf?: string; pct?: number };
  records: (Omit<AggregateRecord, "reasons"> & { reasons?: AggregateRecord["reasons"] })[];
}

const SCRIPT = path.join(__dirname, "mail-dmarc", "generate.pl");

let available: boolean | undefined;

/** True when perl and Mail::DMARC are installed; in CI their absence throws. */
export function mailDmarcAvailable(): boolean {
  if (available === undefined) {
    available = spawnSync("perl", ["-MMail::DMARC::Report::Aggregate", "-MJSON::PP", "-e", "1"], { stdio: "ignore" }).status === 0;
    if (!available && process.env.CI === "true") throw new Error("perl with Mail::DMARC (libmail-dmarc-perl) is not installed, and CI=true forbids skipping: run .ci/install-system-deps");
  }
  return available;
}

/** Write each spec's XML (and, with `eml`, its report e-mail) into `dir`; returns the paths. */
export function generateWithMailDmarc(specs: MailDmarcSpec[], dir: string, opts: { eml?: boolean; reporterDomain?: string } = {}): { xml: string[]; eml: string[] } {
  const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-mail-dmarc-")), "mail-dmarc.ini");
  const domain = opts.reporterDomain ?? "reporter.example";
  fs.writeFileSync(config, `[organization]\ndomain = ${domain}\norg_name = ${domain}\nemail = dmarc-reports@${domain}\n\n[smtp]\nhostname = mail.${domain}\n`);
  const jobs = specs.map((s, i) => ({
    ...s,
    records: s.records.map((r) => ({ ...r, reasons: r.reasons ?? [] })),
    xml: path.join(dir, `mail-dmarc-${i}.xml`),
    ...(opts.eml ? { eml: path.join(dir, `mail-dmarc-${i}.eml`) } : {}),
  }));
  execFileSync("perl", [SCRIPT], { input: JSON.stringify(jobs), env: { ...process.env, MAIL_DMARC_CONFIG_FILE: config }, stdio: ["pipe", "ignore", "pipe"] });
  fs.rmSync(path.dirname(config), { recursive: true, force: true });
  return { xml: jobs.map((j) => j.xml), eml: opts.eml ? jobs.map((j) => j.eml!) : [] };
}
