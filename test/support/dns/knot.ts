/**
 * Knot DNS (knotd) as the test server: a YAML config and zone files in a fresh temp dir, knotd in the foreground on
 * a free loopback port, readiness by SOA queries, reloads through knotc, and no knotd left behind: stop() kills it
 * by its pid, a process `exit` hook kills any still running, and a watchdog shell kills it if this process dies
 * without running hooks (SIGKILL, jest tearing a worker down).
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { rawQuery } from "./client";
import { forwardTo, withFaults } from "./faults";
import { listen, type Listener } from "./transport";
import { prepareZones, renderPreparedZone, type PreparedZone } from "./zone";
import type { DnsServer, StartOptions, Zone } from "./types";

/** How long knotd gets to answer for every zone after start or reload. */
const READY_TIMEOUT_MS = Number(process.env.MAILDOMAIN_DNS_READY_TIMEOUT_MS ?? 10_000);
const SEARCH_DIRS = ["/usr/sbin", "/usr/local/sbin", "/sbin"];

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Path of an executable on PATH or in the sbin directories, or undefined. */
export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean), ...SEARCH_DIRS];
  for (const d of dirs) {
    const f = path.join(d, name);
    if (isExecutable(f)) return f;
  }
  return undefined;
}

/** knotd's path (env MAILDOMAIN_KNOTD overrides the search), or undefined when Knot is not installed. */
export function findKnotd(): string | undefined {
  const override = process.env.MAILDOMAIN_KNOTD;
  if (override) return isExecutable(override) ? override : undefined;
  return findProgram("knotd");
}

function findKnotc(knotd: string): string {
  const sibling = path.join(path.dirname(knotd), "knotc");
  const found = isExecutable(sibling) ? sibling : findProgram("knotc");
  if (!found) throw new Error(`knotc not found next to ${knotd} or on PATH: run .ci/install-system-deps`);
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Never leave knotd behind.

const live = new Set<ChildProcess>();
function killLive(): void {
  for (const c of live) {
    try { if (c.pid) process.kill(c.pid, "SIGKILL"); } catch { /* gone */ }
  }
}
/** Kill tracked knotd processes when this process exits; the hook is only installed while any are running. */
function track(child: ChildProcess): void {
  if (live.size === 0) process.on("exit", killLive);
  live.add(child);
  child.once("exit", () => {
    live.delete(child);
    if (live.size === 0) process.off("exit", killLive);
  });
}

/**
 * A shell that waits for EOF on its stdin (a pipe only this process holds) and then kills knotd and removes the
 * temp dir: when this process dies, however, the pipe closes. Unref'd so it never keeps node alive.
 */
function startWatchdog(pid: number, dir: string): ChildProcess {
  const script = 'read -r _ignored; kill -TERM "$0" 2>/dev/null; sleep 0.2; kill -KILL "$0" 2>/dev/null; rm -rf -- "$1"';
  const w = spawn("/bin/sh", ["-c", script, String(pid), dir], { stdio: ["pipe", "ignore", "ignore"] });
  w.on("error", () => undefined);
  w.unref();
  (w.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  w.stdin?.on("error", () => undefined);
  return w;
}

// ---------------------------------------------------------------------------------------------------------------
// Config, ports, readiness

function renderConfig(dir: string, port: number, zones: PreparedZone[]): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    "# Written by test/support/dns/knot.ts for one test server.",
    "server:",
    `  listen: 127.0.0.1@${port}`,
    `  rundir: ${q(dir)}`,
    "  udp-workers: 1",
    "  tcp-workers: 1",
    "  background-workers: 1",
    "database:",
    `  storage: ${q(dir)}`,
    "log:",
    "  - target: stderr",
    "    any: warning",
    "template:",
    "  - id: default",
    `    storage: ${q(dir)}`,
    '    file: "%s.zone"',
    "    zonefile-sync: -1",
    "    zonefile-load: whole",
    "    journal-content: none",
    "zone:",
    ...zones.map((z) => `  - domain: ${q(z.origin + ".")}`),
  ];
  // knotd running as root stays root unless `server.user` is set (Knot's default), so the temp dir (owned by
  // whoever runs the tests) stays readable and writable: no `user:` line on purpose.
  return lines.join("\n") + "\n";
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function zoneFile(dir: string, origin: string): string {
  return path.join(dir, `${origin.toLowerCase()}.zone`);
}

function writeZones(dir: string, zones: PreparedZone[], verbatim: Record<string, string> = {}): void {
  const raw = new Map(Object.entries(verbatim).map(([o, text]) => [o.toLowerCase().replace(/\.$/, ""), text]));
  for (const z of zones) writeAtomic(zoneFile(dir, z.origin), raw.get(z.origin.toLowerCase().replace(/\.$/, "")) ?? renderPreparedZone(z));
}

/** A port free for both UDP and TCP on 127.0.0.1 right now (bound on port 0, then released). */
export async function freePort(): Promise<number> {
  const l = await listen(() => null);
  const port = l.port;
  await l.close();
  return port;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** True once every zone answers its SOA authoritatively. */
async function allZonesAnswer(address: string, zones: PreparedZone[]): Promise<boolean> {
  const results = await Promise.all(
    zones.map((z) =>
      rawQuery(address, z.origin, "SOA", { timeoutMs: 200 })
        .then(({ packet }) => packet.rcode === "NOERROR" && packet.flag_aa && (packet.answers ?? []).some((a) => a.type === "SOA"))
        .catch(() => false),
    ),
  );
  return results.every(Boolean);
}

/** Ring buffer of a child's output, for error messages. */
class OutputTail {
  private text = "";
  private total = 0;
  constructor(private readonly max = 16_384) {}
  add(chunk: Buffer | string): void {
    const s = chunk.toString();
    this.total += s.length;
    this.text = (this.text + s).slice(-this.max);
  }
  /** A position to read new output from. */
  mark(): number {
    return this.total;
  }
  /** Output added since `mark` (as much as is kept). */
  since(mark: number): string {
    return this.text.slice(Math.max(0, this.text.length - (this.total - mark)));
  }
  toString(): string {
    return this.text.trim() || "(no output)";
  }
}

function run(file: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: READY_TIMEOUT_MS }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------

interface Running {
  child: ChildProcess;
  watchdog: ChildProcess;
  port: number;
  tail: OutputTail;
  exited: Promise<void>;
  exitInfo?: string;
}

function spawnKnotd(knotd: string, conf: string, dir: string, port: number): Running {
  const tail = new OutputTail();
  const child = spawn(knotd, ["-c", conf], { stdio: ["ignore", "pipe", "pipe"] });
  const r: Running = { child, port, tail, watchdog: undefined as unknown as ChildProcess, exited: Promise.resolve() };
  r.exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      r.exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
      try { if (r.watchdog?.pid) process.kill(r.watchdog.pid, "SIGKILL"); } catch { /* gone */ }
      resolve();
    });
    child.once("error", (e) => {
      r.exitInfo = `spawn error: ${e.message}`;
      resolve();
    });
  });
  child.stdout?.on("data", (c) => tail.add(c));
  child.stderr?.on("data", (c) => tail.add(c));
  if (child.pid) {
    track(child);
    r.watchdog = startWatchdog(child.pid, dir);
  }
  return r;
}

async function killKnotd(r: Running): Promise<void> {
  if (r.exitInfo === undefined && r.child.pid) {
    try { process.kill(r.child.pid, "SIGTERM"); } catch { /* gone */ }
    const timer = setTimeout(() => { try { process.kill(r.child.pid!, "SIGKILL"); } catch { /* gone */ } }, 2000);
    await r.exited;
    clearTimeout(timer);
  } else {
    await r.exited;
  }
  try { if (r.watchdog?.pid) process.kill(r.watchdog.pid, "SIGKILL"); } catch { /* gone */ }
}

/** Wait until knotd answers for every zone; throws with knotd's output if it exits, fails a zone, or times out. */
async function waitReady(r: Running, zones: PreparedZone[], what: string, mark = 0): Promise<void> {
  const address = `127.0.0.1:${r.port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (r.exitInfo !== undefined) throw new Error(`knotd exited (${r.exitInfo}) ${what}; its output:\n${r.tail}`);
    if (/failed to load zone|failed to parse zone file/.test(r.tail.since(mark))) {
      throw new Error(`knotd could not load a zone ${what}; its output:\n${r.tail}`);
    }
    if (await allZonesAnswer(address, zones)) return;
    if (Date.now() > deadline) throw new Error(`knotd did not answer SOA queries for ${zones.map((z) => z.origin).join(", ")} at ${address} within ${READY_TIMEOUT_MS} ms ${what}; its output:\n${r.tail}`);
    await sleep(10);
  }
}

export async function startKnotServer(knotd: string, zones: Zone[], opts: StartOptions = {}): Promise<DnsServer> {
  const knotc = findKnotc(knotd);
  let serial = 1;
  let prepared = prepareZones(zones, serial);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-knot-"));
  const conf = path.join(dir, "knot.conf");
  const sock = path.join(dir, "knot.sock");
  let running: Running | undefined;
  let proxy: Listener | undefined;
  const cleanup = async () => {
    if (running) await killKnotd(running);
    await proxy?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    writeZones(dir, prepared, opts.zoneFileText);
    // Another process may take the port between our probe and knotd's bind: then knotd exits and we retry.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      writeAtomic(conf, renderConfig(dir, port, prepared));
      running = spawnKnotd(knotd, conf, dir, port);
      try {
        await waitReady(running, prepared, "after start");
        break;
      } catch (e) {
        const inUse = /address already in use/i.test(running.tail.toString());
        await killKnotd(running);
        if (!inUse || attempt >= 5) throw e;
      }
    }
    if (opts.faults && Object.keys(opts.faults).length) {
      // Per-name faults sit in a thin proxy; every other query reaches knotd unchanged, over the same transport.
      proxy = await listen(withFaults(opts.faults, forwardTo(`127.0.0.1:${running.port}`)));
    }
  } catch (e) {
    await cleanup();
    throw e;
  }

  const knot = running;
  const port = proxy ? proxy.port : knot.port;
  let queue: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const setZonesNow = async (next: Zone[]): Promise<void> => {
    if (stopped) throw new Error("setZones: the DNS server is stopped");
    const nextPrepared = prepareZones(next, ++serial);
    const mark = knot.tail.mark();
    const before = new Set(prepared.map((z) => z.origin.toLowerCase()));
    const after = new Set(nextPrepared.map((z) => z.origin.toLowerCase()));
    const sameSet = before.size === after.size && [...before].every((o) => after.has(o));
    writeZones(dir, nextPrepared);
    if (!sameSet) {
      writeAtomic(conf, renderConfig(dir, knot.port, nextPrepared));
      const r = await run(knotc, ["-s", sock, "-b", "reload"]);
      if (r.code !== 0) throw new Error(`knotc reload failed (${r.code}): ${r.output}\nknotd output:\n${knot.tail}`);
      for (const o of before) if (!after.has(o)) fs.rmSync(zoneFile(dir, o), { force: true });
    }
    const r = await run(knotc, ["-s", sock, "-b", "zone-reload", ...nextPrepared.map((z) => z.origin + ".")]);
    if (r.code !== 0) throw new Error(`knotc zone-reload failed (${r.code}): ${r.output}\nknotd output:\n${knot.tail}`);
    prepared = nextPrepared;
    await waitReady(knot, prepared, "after setZones", mark);
  };

  return {
    host: "127.0.0.1",
    port,
    kind: "knot",
    address: `127.0.0.1:${port}`,
    setZones(next: Zone[]) {
      const p = queue.then(() => setZonesNow(next));
      queue = p.catch(() => undefined);
      return p;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await queue;
      await cleanup();
    },
  };
}
