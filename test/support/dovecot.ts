/**
 * A real IMAP server for tests: Debian's Dovecot (dovecot-imapd) in the foreground (`dovecot -F -c CONF`) on a
 * free loopback port, with everything in a fresh temp dir: IMAPS only (`ssl = required`), a certificate for
 * 127.0.0.1/localhost signed by a test CA made in the test (../tls/ca.ts), one test user in a passwd-file, and
 * Maildir storage. The CA's PEM is what `--ca` gets.
 *
 * Dovecot runs its login and internal processes as `default_login_user`/`default_internal_user`: as root those
 * are the dovenull and dovecot users the package creates, and mail is owned by `nobody`; as another user
 * everything runs as that user.
 *
 * Without Dovecot, tests skip, except under CI=true, where `dovecotAvailable()` throws.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { freePort } from "./dns/knot";
import { findProgram, sleep, startServerProcess, type ServerProcess } from "./server-process";
import { createTestCa } from "./tls/ca";

export interface ImapServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** PEM of the CA that signed the server's certificate. */
  caFile: string;
  /** `imaps://user@127.0.0.1:port/` + mailbox. */
  url(mailbox?: string): string;
  stop(): Promise<void>;
}

export function findDovecot(): string | undefined {
  return process.env.MAILDOMAIN_DOVECOT ?? findProgram("dovecot");
}

export function dovecotAvailable(): boolean {
  const ok = findDovecot() !== undefined;
  if (!ok && process.env.CI === "true") throw new Error("dovecot (dovecot-imapd) not found, and CI=true forbids skipping: run .ci/install-system-deps");
  return ok;
}

function ids(name: string): { uid: number; gid: number; name: string } | undefined {
  const line = fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const f = line.split(":");
  return { uid: Number(f[2]), gid: Number(f[3]), name };
}

/** A test CA (../tls/ca.ts) and a server certificate for 127.0.0.1 and localhost, as files dovecot reads. */
export function makeTestCertificates(dir: string): { ca: string; cert: string; key: string } {
  const ca = createTestCa("maildomain test IMAP CA");
  const leaf = ca.issue({ names: ["localhost"], ips: ["127.0.0.1"] });
  const files = { ca: path.join(dir, "ca.pem"), cert: path.join(dir, "server.pem"), key: path.join(dir, "server.key") };
  fs.writeFileSync(files.ca, ca.certPem);
  fs.writeFileSync(files.cert, leaf.certPem);
  fs.writeFileSync(files.key, leaf.keyPem, { mode: 0o600 });
  return files;
}

function config(dir: string, port: number, certs: { cert: string; key: string }, users: { login: string; internal: string }): string {
  return `# Written by test/support/dovecot.ts for one test server.
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = maildomain-test-${port}
log_path = ${dir}/dovecot.log
ssl = required
ssl_cert = <${certs.cert}
ssl_key = <${certs.key}
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain
disable_plaintext_auth = yes
default_login_user = ${users.login}
default_internal_user = ${users.internal}
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Archive {
    auto = create
  }
}
service imap-login {
  chroot =
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = ${port}
    ssl = yes
  }
}
service anvil {
  chroot =
}
`;
}

/** Resolves when the port answers with a TLS handshake's first bytes (dovecot's listener is up). */
async function waitReady(server: ServerProcess, port: number, log: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (server.exitInfo !== undefined) throw new Error(`dovecot exited (${server.exitInfo}); its output:\n${server.tail}\n${fs.existsSync(log) ? fs.readFileSync(log, "utf8") : ""}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`dovecot did not listen on 127.0.0.1:${port} within 15 s; its log:\n${fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "(none)"}`);
    await sleep(25);
  }
}

export async function startDovecot(opts: { user?: string; password?: string } = {}): Promise<ImapServer> {
  const dovecot = findDovecot();
  if (!dovecot) throw new Error("dovecot not found: run .ci/install-system-deps");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-dovecot-"));
  fs.chmodSync(dir, 0o755);
  for (const d of ["run", "state", "home"]) fs.mkdirSync(path.join(dir, d));
  const certs = makeTestCertificates(dir);
  const asRoot = process.getuid?.() === 0;
  const me = os.userInfo();
  const mailOwner = asRoot ? (ids("nobody") ?? { uid: 65534, gid: 65534, name: "nobody" }) : { uid: me.uid, gid: me.gid, name: me.username };
  const users = asRoot ? { login: "dovenull", internal: "dovecot" } : { login: me.username, internal: me.username };
  const user = opts.user ?? "dmarc@example.com";
  const password = opts.password ?? "correct horse battery staple";
  const home = path.join(dir, "home", "dmarc");
  fs.mkdirSync(home);
  fs.chownSync(home, mailOwner.uid, mailOwner.gid);
  fs.writeFileSync(path.join(dir, "users"), `${user}:{PLAIN}${password}:${mailOwner.uid}:${mailOwner.gid}::${home}\n`);
  const conf = path.join(dir, "dovecot.conf");
  const log = path.join(dir, "dovecot.log");
  let server: ServerProcess | undefined;
  let port: number;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    fs.writeFileSync(conf, config(dir, port, certs, users));
    server = startServerProcess(dovecot, ["-F", "-c", conf], dir);
    try {
      await waitReady(server, port, log);
      break;
    } catch (e) {
      await server.stop();
      const text = `${server.tail}${fs.existsSync(log) ? fs.readFileSync(log, "utf8") : ""}`;
      if (!/in use/i.test(text) || attempt >= 5) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw e;
      }
    }
  }
  const running = server;
  return {
    host: "127.0.0.1",
    port,
    user,
    password,
    caFile: certs.ca,
    url: (mailbox = "INBOX") => `imaps://${encodeURIComponent(user)}@127.0.0.1:${port}/${mailbox}`,
    async stop() {
      await running.stop(5000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
