/**
 * A real PostgreSQL server for tests (Debian's postgresql, /usr/lib/postgresql/<version>/bin): `initdb` into a
 * fresh temp dir and `postgres -D` in the foreground on a free loopback port, trust authentication for one test
 * role, fsync off (the tests kill clients, not the server). PostgreSQL refuses to run as root, so as root the
 * server runs as the `postgres` user the package creates (the temp dir is handed to it); otherwise as the caller.
 *
 *   const pg = await startPostgres();
 *   const url = await pg.createDatabase("t1");    // postgres://maildomain@127.0.0.1:PORT/t1
 *   await pg.stop();
 *
 * Environment: MAILDOMAIN_PG_BIN=/usr/lib/postgresql/15/bin to choose the binaries. Without PostgreSQL, tests
 * skip, except under CI=true, where `postgresAvailable()` throws.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { freePort } from "./dns/knot";
import { isExecutable, sleep, startServerProcess, type ServerProcess } from "./server-process";

export interface PostgresServer {
  port: number;
  /** A URL for the server's `postgres` database. */
  url: string;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const ROLE = "maildomain";

export function findPostgresBin(): string | undefined {
  const override = process.env.MAILDOMAIN_PG_BIN;
  if (override) return isExecutable(path.join(override, "postgres")) ? override : undefined;
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const bin = path.join(root, v, "bin");
    if (isExecutable(path.join(bin, "postgres")) && isExecutable(path.join(bin, "initdb"))) return bin;
  }
  return undefined;
}

/** True when PostgreSQL can be started here; in CI its absence throws instead. */
export function postgresAvailable(): boolean {
  const ok = findPostgresBin() !== undefined && (process.getuid?.() !== 0 || userIds("postgres") !== undefined);
  if (!ok && process.env.CI === "true") throw new Error("PostgreSQL (initdb, postgres) not found in /usr/lib/postgresql/*/bin, and CI=true forbids skipping: run .ci/install-system-deps");
  return ok;
}

function userIds(name: string): { uid: number; gid: number } | undefined {
  try {
    const line = fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${name}:`));
    if (!line) return undefined;
    const f = line.split(":");
    return { uid: Number(f[2]), gid: Number(f[3]) };
  } catch {
    return undefined;
  }
}

function chownTree(dir: string, ids: { uid: number; gid: number }): void {
  fs.chownSync(dir, ids.uid, ids.gid);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) chownTree(p, ids);
    else fs.chownSync(p, ids.uid, ids.gid);
  }
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error("PostgreSQL not found: run .ci/install-system-deps");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-pg-"));
  fs.chmodSync(dir, 0o755);
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? userIds("postgres") : undefined;
  if (asRoot && !ids) throw new Error("running as root, but there is no postgres user to run PostgreSQL as (the postgresql package creates it)");
  if (ids) chownTree(dir, ids);
  const data = path.join(dir, "data");
  const env = { ...process.env, LC_ALL: "C", LANG: "C" };
  execFileSync(path.join(bin, "initdb"), ["-D", data, "-U", ROLE, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"], { stdio: "pipe", env, cwd: dir, ...(ids ?? {}) });

  let server: ServerProcess | undefined;
  let port: number;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    server = startServerProcess(
      path.join(bin, "postgres"),
      ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=50", "-c", "shared_buffers=32MB"],
      dir,
      { env, cwd: dir, ...(ids ?? {}) },
    );
    try {
      await waitReady(server, port);
      break;
    } catch (e) {
      await server.stop();
      if (!/already in use/i.test(server.tail.toString()) || attempt >= 5) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw e;
      }
    }
  }
  const running = server;
  const base = `postgres://${ROLE}@127.0.0.1:${port}`;
  return {
    port,
    url: `${base}/postgres`,
    async createDatabase(name: string) {
      const c = new Client({ connectionString: `${base}/postgres` });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
      } finally {
        await c.end();
      }
      return `${base}/${name}`;
    },
    async stop() {
      await running.stop(5000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(server: ServerProcess, port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitInfo !== undefined) throw new Error(`postgres exited (${server.exitInfo}); its output:\n${server.tail}`);
    const c = new Client({ connectionString: `postgres://${ROLE}@127.0.0.1:${port}/postgres`, connectionTimeoutMillis: 1000 });
    try {
      await c.connect();
      await c.query("SELECT 1");
      await c.end();
      return;
    } catch {
      await c.end().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`postgres did not accept connections on 127.0.0.1:${port} within 30 s; its output:\n${server.tail}`);
    await sleep(50);
  }
}
