/**
 * Knot DNS (knotd) as the test server: a YAML config and zone files in a fresh temp dir, knotd in the foreground on
 * a free loopback port, readiness by SOA queries, reloads through knotc, and no knotd left behind (the watched
 * child process of ../server-process.ts).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { rawQuery } from "./client";
import { forwardTo, withFaults } from "./faults";
import { listen, type Listener } from "./transport";
import { prepareZones, renderPreparedZone, type PreparedZone } from "./zone";
import { findProgram, isExecutable, sleep, startServerProcess, type ServerProcess } from "../server-process";
import type { DnsServer, StartOptions, Zone } from "./types";

/** How long knotd gets to answer for every zone after start or reload. */
const READY_TIMEOUT_MS = Number(process.env.MAILDOMAIN_DNS_READY_TIMEOUT_MS ?? 10_000);

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

function run(file: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: READY_TIMEOUT_MS }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------

interface Running extends ServerProcess {
  port: number;
}

function spawnKnotd(knotd: string, conf: string, dir: string, port: number): Running {
  return Object.assign(startServerProcess(knotd, ["-c", conf], dir), { port });
}

async function killKnotd(r: Running): Promise<void> {
  await r.stop();
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
