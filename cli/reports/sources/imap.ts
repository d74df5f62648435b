/**
 * An IMAP mailbox as input, through imapflow (postalsys): `--imap imaps://USER@HOST[:PORT]/MAILBOX` (TLS from
 * the first byte, port 993) or `imap://…` (STARTTLS required, port 143; never cleartext), the password from
 * MAILDOMAIN_IMAP_PASSWORD, `--ca FILE` for a private CA (certificates are always verified).
 *
 * Each message is a unit. With `--imap-archive FOLDER` a message is moved there only after every report in it
 * is committed to the store, and only when nothing in it was rejected (a message that could not be read stays,
 * for a person to look at or a later run with a larger --max-size). Killed between the commit and the move, the
 * next run finds the reports already stored (duplicates) and moves the message then: nothing lost, nothing
 * counted twice.
 */
import * as fs from "node:fs";
import { isIP } from "node:net";
import { ImapFlow } from "imapflow";
import { childSource, finding } from "../../../reports/findings";
import { UsageError } from "../../io";
import { formatSize, Limits } from "./limits";
import type { InputUnit } from "./unit";

export const IMAP_PASSWORD_ENV = "MAILDOMAIN_IMAP_PASSWORD";

export interface ImapTarget {
  secure: boolean;
  host: string;
  port: number;
  user: string;
  mailbox: string;
  /** `imaps://user@host:port/mailbox` without secrets, for messages. */
  display: string;
}

/** Parse `--imap`; usage errors name what is wrong. */
export function parseImapUrl(text: string): ImapTarget {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError(`--imap ${JSON.stringify(text)} is not a URL: write imaps://USER@HOST[:PORT]/MAILBOX, e.g. imaps://dmarc%40example.com@imap.example.com/INBOX.`);
  }
  const scheme = u.protocol.replace(/:$/, "").toLowerCase();
  if (scheme !== "imaps" && scheme !== "imap") throw new UsageError(`--imap ${JSON.stringify(text)}: the scheme must be imaps:// (TLS, port 993) or imap:// (STARTTLS, port 143), not ${scheme}://.`);
  if (u.password) throw new UsageError(`--imap: put the password in the environment variable ${IMAP_PASSWORD_ENV}, not in the URL (command lines are visible to every user of the machine).`);
  const user = decodeURIComponent(u.username);
  if (!user) throw new UsageError(`--imap ${JSON.stringify(text)} has no user: write imaps://USER@HOST/MAILBOX (an @ in the user name is written %40).`);
  if (!u.hostname) throw new UsageError(`--imap ${JSON.stringify(text)} has no host.`);
  const secure = scheme === "imaps";
  const port = u.port ? Number(u.port) : secure ? 993 : 143;
  const mailbox = decodeURIComponent(u.pathname.replace(/^\//, "")) || "INBOX";
  const host = u.hostname.replace(/^\[|\]$/g, "");
  return { secure, host, port, user, mailbox, display: `${scheme}://${encodeURIComponent(user)}@${u.host}/${mailbox}` };
}

export interface ImapSession {
  units: AsyncGenerator<InputUnit>;
  /** Messages in the mailbox when the run started. */
  total: number;
  close(): Promise<void>;
}

function describe(e: unknown): string {
  const err = e as { message?: string; code?: string; responseText?: string; authenticationFailed?: boolean };
  if (err.authenticationFailed) return `authentication failed${err.responseText ? ` (${err.responseText})` : ""}: check the user and ${IMAP_PASSWORD_ENV}`;
  const msg = err.responseText ?? err.message ?? String(e);
  if (/self[- ]signed|unable to verify|certificate/i.test(msg)) return `${msg}: the server's certificate is not trusted; give its CA with --ca FILE`;
  return err.code && !msg.includes(err.code) ? `${msg} (${err.code})` : msg;
}

/**
 * Connect, check the mailbox and the archive folder, and return the messages as units. Connection, login,
 * certificate and folder problems are usage errors (exit 2), before anything is read.
 */
export async function openImap(target: ImapTarget, opts: { caFile?: string; archive?: string; limits: Limits; password?: string }): Promise<ImapSession> {
  const password = opts.password ?? process.env[IMAP_PASSWORD_ENV];
  if (password === undefined || password === "") throw new UsageError(`--imap needs the password of ${target.user} in the environment variable ${IMAP_PASSWORD_ENV}.`);
  let ca: Buffer | undefined;
  if (opts.caFile !== undefined) {
    try {
      ca = fs.readFileSync(opts.caFile);
    } catch (e) {
      throw new UsageError(`--ca ${opts.caFile} cannot be read (${(e as Error).message}).`);
    }
  }
  const client = new ImapFlow({
    host: target.host,
    port: target.port,
    secure: target.secure,
    doSTARTTLS: target.secure ? undefined : true,
    auth: { user: target.user, pass: password },
    tls: { rejectUnauthorized: true, ...(ca ? { ca } : {}), ...(isIP(target.host) ? {} : { servername: target.host }) },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
  });
  client.on("error", () => undefined); // surfaced by the command that fails
  try {
    await client.connect();
  } catch (e) {
    throw new UsageError(`--imap ${target.display}: cannot connect to ${target.host}:${target.port}: ${describe(e)}.`);
  }
  const fail = async (message: string): Promise<never> => {
    await client.logout().catch(() => undefined);
    throw new UsageError(message);
  };
  const folders = await client.list().catch(() => []);
  const names = folders.map((f) => f.path);
  if (!names.some((n) => n === target.mailbox || (target.mailbox.toUpperCase() === "INBOX" && n.toUpperCase() === "INBOX"))) {
    await fail(`--imap ${target.display}: there is no mailbox ${JSON.stringify(target.mailbox)} (the server has: ${names.slice(0, 20).join(", ")}).`);
  }
  if (opts.archive !== undefined) {
    if (opts.archive === target.mailbox) await fail(`--imap-archive ${opts.archive} is the mailbox being read; give another folder.`);
    if (!names.includes(opts.archive)) await fail(`--imap-archive ${JSON.stringify(opts.archive)} does not exist on ${target.host} (it has: ${names.slice(0, 20).join(", ")}); create it in your mail client first, or check the spelling (folders are case-sensitive).`);
  }
  const lock = await client.getMailboxLock(target.mailbox);
  let uids: number[];
  const sizes = new Map<number, number>();
  try {
    uids = ((await client.search({ all: true }, { uid: true })) || []).sort((a, b) => a - b);
    if (uids.length > 0) for await (const m of client.fetch(uids.join(","), { uid: true, size: true }, { uid: true })) sizes.set(m.uid, m.size ?? 0);
  } catch (e) {
    lock.release();
    return fail(`--imap ${target.display}: the mailbox cannot be listed: ${describe(e)}.`);
  }

  async function* units(): AsyncGenerator<InputUnit> {
    for (const uid of uids) {
      const source = childSource(target.display, `UID ${uid}`);
      const size = sizes.get(uid) ?? 0;
      if (size > opts.limits.maxBytes) {
        yield { source, findings: [finding("source.too-large", "error", source, `the message holds ${formatSize(size)}, over the limit of ${formatSize(opts.limits.maxBytes)}; it was not read and stays in the mailbox. Read it with a larger --max-size.`)], rejected: 1 };
        continue;
      }
      const msg = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
      if (!msg || !msg.source) continue; // expunged by someone else meanwhile
      const unit: InputUnit = { source, bytes: msg.source };
      if (opts.archive !== undefined) {
        const folder = opts.archive;
        unit.archive = async () => {
          const moved = await client.messageMove(String(uid), folder, { uid: true });
          if (moved === false) throw new Error(`the server refused to move UID ${uid} to ${folder}`);
        };
      }
      yield unit;
    }
  }

  return {
    units: units(),
    total: uids.length,
    close: async () => {
      lock.release();
      await client.logout().catch(() => undefined);
    },
  };
}
