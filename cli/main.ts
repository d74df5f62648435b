/**
 * `maildomain plan | check | import | reports`: argument parsing (commander) and exit codes. Each
 * subcommand lives in its own folder and takes parsed, typed options and an `Io`.
 *
 * Exit codes: 0 nothing mandatory violated / no error finding; 1 a mandatory policy violated,
 * an error finding, or the program failed; 2 usage errors (and, for check, DNS unreachable).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { EXIT, Io, processIo, UsageError } from "./io";
import { printable } from "../components/printable";
import { DEFAULT_TIME_LIMIT_SECONDS, MAX_TIME_LIMIT_SECONDS } from "./plan/time-limit";
import { packageVersion } from "./version";
import { CHECK_OPTION_RANGES, NumericOptionRange, parseNumericOption } from "./check/limits";

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let result: Promise<number> = Promise.resolve(EXIT.ok);
  const program = new Command("maildomain")
    .description("Mail DNS as code: plan a Pulumi program offline with the policy pack, check live DNS, import a zone, read DMARC and TLS reports.")
    .version(packageVersion(), "-V, --version", "print the version of maildomain")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run maildomain --help for usage)");

  program
    .command("plan")
    .description("run a Pulumi TypeScript program offline under the SDK's mock engine and check it with the policy pack")
    .option("--cwd <dir>", "directory of the Pulumi program (Pulumi.yaml)", ".")
    .option("--stack <name>", "stack whose Pulumi.<stack>.yaml config to use", "dev")
    .option("--policy-config <file>", "policy config file (the format of pulumi preview --policy-pack-config)")
    .option("--json", "print one JSON document { resources, violations }", false)
    .option("--zone-out <dir>", "write one RFC 1035 zone file per DNS zone into this directory")
    .addOption(
      new Option("--time-limit <seconds>", "stop the program and fail the plan after this many seconds (0: no limit)").default(DEFAULT_TIME_LIMIT_SECONDS).argParser(seconds("--time-limit", MAX_TIME_LIMIT_SECONDS)),
    )
    .action((opts) => {
      result = import("./plan/command").then((m) => m.runPlan(opts, io));
    });

  program
    .command("check")
    .description("audit what live DNS serves for each domain and explain what receivers like Gmail will do")
    .argument("[domains...]", "mail domains to check")
    .option("--server <host[:port]>", "ask this DNS server (default: the system resolver)")
    .option("--selector <[domain=]name>", "DKIM selector to check at every domain, or with domain= at that one (repeatable; a missing one is an error; common selectors are probed too)", collect, [])
    .option("--ip <addr>", "the sending server's IP address: SPF is evaluated for it, its reverse DNS checked")
    .option("--json", "print { results: [{ domain, ok, findings, verdict }], dns }", false)
    .addOption(new Option("--timeout <ms>", rangeHelp("per-query timeout in milliseconds", CHECK_OPTION_RANGES.timeout)).default(3000).argParser(inRange(CHECK_OPTION_RANGES.timeout)))
    .addOption(new Option("--retries <n>", rangeHelp("retries per query after a timeout", CHECK_OPTION_RANGES.retries)).default(2).argParser(inRange(CHECK_OPTION_RANGES.retries)))
    .addOption(new Option("--concurrency <n>", rangeHelp("DNS queries in flight at once", CHECK_OPTION_RANGES.concurrency)).default(32).argParser(inRange(CHECK_OPTION_RANGES.concurrency)))
    .option("--expect <plan.json>", "compare with the records of a `maildomain plan --json` output")
    .option("--message <file.eml>", "authenticate this message against live DNS (needs --ip)")
    .option("--helo <name>", "HELO/EHLO name of the sending server (with --ip)")
    .option("--mail-from <addr>", "envelope sender, MAIL FROM (with --ip; default: the message's Return-Path)")
    .option("--ca <file>", "also trust the CA certificates in this PEM file (the MTA-STS policy host and the MX hosts' STARTTLS)")
    .addOption(new Option("--https-port <port>", "port of the MTA-STS policy host").default(443).argParser(port("--https-port")))
    .addOption(new Option("--smtp-port <port>", "port of the MX hosts for the STARTTLS probe").default(25).argParser(port("--smtp-port")))
    .option("--smtp", "probe every MX host's STARTTLS, also for domains without MTA-STS (default: only with MTA-STS)")
    .option("--no-smtp", "do not connect to the MX hosts (where outbound port 25 is blocked); said in the output")
    .option("--parked", "assert that the domains are parked (null MX, SPF -all, DMARC p=reject): each missing part is an error", false)
    .option("--db <file|url>", "the report store of maildomain reports: note each domain's advisor verdict (can DMARC or MTA-STS go one step further?)")
    .action((domains: string[], opts) => {
      result = import("./check/command").then((m) => m.runCheck({ ...opts, domains }, io));
    });

  program
    .command("import")
    .description(
      "read a BIND-format zone export (cPanel, VestaCP, any registrar) and print MailDomain args on stdout; " +
        "findings and left-out records go to stderr (exit 1 when a finding is an error)",
    )
    .argument("<zonefile>", "the zone file ($INCLUDE is followed relative to it, inside its folder)")
    .option("--origin <name>", "the zone's domain, when the file has no $ORIGIN, no absolute SOA owner and is not named <domain>.db")
    .addOption(new Option("--format <format>", "yaml: stack config for Pulumi.<stack>.yaml; ts: a TypeScript snippet").choices(["yaml", "ts"]).default("yaml"))
    .addOption(new Option("--dns <manager>", "DNS manager of the generated args (zoneName is the zone's origin)").choices(["cloudflare", "route53"]).default("cloudflare"))
    .option("--allow-include-outside <dir>", "let $INCLUDE also read files in this folder and below (repeatable; default: only the zone file's folder)", collect, [])
    .action((zonefile: string, opts) => {
      result = import("./import/command").then((m) => m.runImport({ ...opts, zonefile }, io));
    });

  program
    .command("reports")
    .description(
      "read DMARC aggregate, DMARC failure and SMTP TLS reports (files, folders, .gz, .zip, .eml, mbox, Maildir, IMAP) " +
        "into the report store, then summarize what it holds; without a source, only summarize",
    )
    .argument("[sources...]", "files or folders (read recursively, by content): XML, JSON, gzip, zip, messages, mbox files, Maildirs")
    .option("--db <file|url>", "the store: a SQLite file, or a postgres:// URL (default: ./maildomain-reports.sqlite)")
    .option("--imap <url>", "read an IMAP mailbox: imaps://USER@HOST[:PORT]/MAILBOX (password in MAILDOMAIN_IMAP_PASSWORD)")
    .option("--ca <file>", "PEM file of the CA that signed the IMAP server's certificate (a private CA)")
    .option("--imap-archive <folder>", "move each IMAP message to this folder once its reports are committed")
    .option("--json", "print { reports, stored, findings, domains (with senders and verdict), tls, failures, advice }", false)
    .option("--domain <domain>", "summarize only this domain and its subdomains (repeatable)", collect, [])
    .option("--since <date>", "summarize reports whose period ends on or after this (2024-05-01, an ISO date-time, or 30d)")
    .option("--until <date>", "summarize reports whose period begins before the end of this (2024-05-31 includes that day)")
    .option("--max-size <size>", "the largest file, message or decompressed report to read (default 64M; a bigger gzip or zip is refused as a bomb)")
    .option("--expect <plan.json>", "compare the senders with the records of a `maildomain plan --json` output")
    .option("--cwd <dir>", "compare with the records this Pulumi program declares (planned offline, as maildomain plan does)")
    .option("--stack <name>", "the stack of --cwd whose Pulumi.<stack>.yaml config to use (default dev)")
    .option("--threshold <percent>", "percent of your senders' messages that must pass DMARC for the next policy step (default 98)")
    .option("--min-days <days>", "days of reports needed to decide (default 14)")
    .option("--html <file>", "also write the advice as one self-contained HTML file (verdicts, daily chart, senders, TLS failures)")
    .option("--server <host[:port]>", "DNS server for reverse DNS and the declared SPF's lookups (default: the system resolver)")
    .option("--rdns-limit <n>", "look up reverse DNS for at most this many source IPs, the largest first (default 10000)")
    .option("--spf-limit <n>", "evaluate the declared SPF for at most this many sources per domain, the largest first (default 2000)")
    .option("--no-rdns", "do not look up reverse DNS (senders are recognized by their DKIM and SPF domains only)")
    .option("--no-advice", "print part 1's summary only, without senders and verdicts (an hourly ingestion run)")
    .action((sources: string[], opts) => {
      result = import("./reports/command").then((m) => m.runReports({ ...opts, sources }, io));
    });

  try {
    await program.parseAsync(argv, { from: "user" });
    return await result;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // By name, not instanceof: a test may load the command modules in another module registry.
    if (e instanceof UsageError || (e as Error | undefined)?.name === "UsageError") {
      // Usage errors quote what was given (file names, zone content): never raw control characters.
      io.stderr(`maildomain: ${(e as Error).message.split("\n").map(printable).join("\n")}\n`);
      return EXIT.usage;
    }
    io.stderr(`maildomain: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.failed;
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A whole-number option within its documented range (a usage error, exit 2, outside it). */
function inRange(range: NumericOptionRange) {
  return (v: string): number => {
    try {
      return parseNumericOption(range, v);
    } catch (e) {
      throw new InvalidArgumentError(`${(e as Error).message}.`);
    }
  };
}

function port(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`${flag} must be a port number from 1 to 65535.`);
    return n;
  };
}

function rangeHelp(text: string, range: NumericOptionRange): string {
  return `${text} (${range.min}–${range.max})`;
}

/** Seconds from 0 to `max`, fractions allowed. */
function seconds(flag: string, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || n < 0 || n > max) throw new InvalidArgumentError(`${flag} must be a number of seconds from 0 (no limit) to ${max}.`);
    return n;
  };
}
