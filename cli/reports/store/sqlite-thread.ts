/**
 * The SQLite store's writer thread: the same write path (sqlite-writer.ts) on its own connection in a worker
 * thread, so that a large run's inserts and commits (a third of its time on the main thread; npm run
 * bench:reports) overlap the reading and parsing of the next reports on a second core.
 *
 * Messages are handled one at a time, in the order they were sent, so a commit covers exactly the reports sent
 * before it, and a report crosses as JSON text (the models are plain data; JSON.stringify and JSON.parse are
 * several times faster than the structured clone of the same objects).
 *
 * Writing takes the thread about half the time parsing takes the main thread, so when the thread has nothing
 * queued the main thread hands it a whole input instead (`read`: its bytes, extracted and written here, with its
 * findings and each report's identity and outcome sent back): both cores parse, one connection writes.
 *
 * A failed write rolls the open batch back in the thread, as on the main thread; the reports of that batch sent
 * after it, before the store learned of the failure, are refused with the same error rather than written into a
 * batch of their own (each message carries the store's epoch, which moves on when a failure is seen).
 */
import { parentPort, Worker, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { Report } from "../../../reports/model";
import { ownSourcesLoader, type OwnSources } from "../../own-sources";
import { reportDigest } from "../report-digest";
import type { Limits } from "../sources/limits";
import { BUSY_TIMEOUT_MS, configureConnection, SqliteWriter } from "./sqlite-writer";
import type { InsertResult, UnitOutcome } from "./store";

type Operation =
  | { op: "insert"; epoch: number; report: string; source: string }
  | { op: "read"; epoch: number; bytes: Uint8Array; source: string; limits: Limits }
  | { op: "commit" }
  | { op: "close" };
type Request = Operation & { id: number };
type Reply = { id: number; result?: InsertResult; unit?: UnitOutcome; error?: string };

/**
 * Requests queued in the thread below which it takes a whole input: about 3 ms of writes, so it is rarely idle
 * and never far behind (npm run bench:reports at 2, 4, 8, 16, 32 and 64: 16 left the thread idle least, 64 let
 * the queue hold back the commits at the end).
 */
const IDLE_BELOW = 16;

interface ThreadInput {
  file: string;
  durable: boolean;
  module: string;
  ownSources?: OwnSources;
}

const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
const own = workerData.ownSources;
if (own) require(own.tsNode).register(own.options);
require(workerData.module).runWriterThread();
`;

/** The store's side: requests to the thread, each answered by a promise. */
export class WriterThread {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private broken?: Error;

  private constructor(private readonly worker: Worker) {
    worker.on("message", (reply: Reply) => {
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      w?.resolve(reply);
    });
    const fail = (e: Error) => {
      this.broken = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on("error", (e) => fail(new Error(`the store's writer thread failed: ${e.message}`)));
    worker.on("exit", (code) => fail(new Error(`the store's writer thread ended (exit code ${code})`)));
  }

  /** Start the thread on `file` (an existing, migrated store); resolves once it has opened its connection. */
  static async start(file: string, durable: boolean): Promise<WriterThread> {
    const module = __filename;
    const input: ThreadInput = { file, durable, module, ownSources: ownSourcesLoader(module) };
    const thread = new WriterThread(new Worker(BOOTSTRAP, { eval: true, workerData: input }));
    try {
      await thread.call({ op: "commit" });
    } catch (e) {
      // It could not open the store: nothing will use it, and a live thread would keep the process running.
      thread.worker.removeAllListeners("exit");
      await thread.worker.terminate();
      throw new Error(`the store's writer thread cannot open ${file}: ${(e as Error).message}`, { cause: e });
    }
    return thread;
  }

  insert(report: Report, source: string, epoch: number): Promise<InsertResult> {
    return this.call({ op: "insert", epoch, report: JSON.stringify(report), source }).then((r) => r.result!);
  }

  /** Nothing (or almost nothing) queued in the thread: an input handed over now is read at once. */
  get idle(): boolean {
    return this.waiting.size < IDLE_BELOW;
  }

  /** Read one input in the thread: extract its reports and write them, as the main thread would. */
  read(bytes: Buffer, source: string, limits: Limits, epoch: number): Promise<UnitOutcome> {
    // Copied, not transferred: a small Buffer is a slice of Node's shared pool.
    return this.call({ op: "read", epoch, bytes, source, limits }).then((r) => r.unit!);
  }

  async commit(): Promise<void> {
    await this.call({ op: "commit" });
  }

  /** Commit and close the thread's connection, then end the thread. */
  async close(): Promise<void> {
    try {
      if (!this.broken) await this.call({ op: "close" });
    } finally {
      this.worker.removeAllListeners("exit");
      await this.worker.terminate();
    }
  }

  private call(request: Operation): Promise<Reply> {
    if (this.broken) return Promise.reject(this.broken);
    const id = ++this.nextId;
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } as Request);
    }).then((reply) => {
      if (reply.error !== undefined) throw new Error(reply.error);
      return reply;
    });
  }
}

/** The thread's side (run by BOOTSTRAP). */
export function runWriterThread(): void {
  const input = workerData as ThreadInput;
  const port = parentPort!;
  let db: Database.Database;
  let writer: SqliteWriter;
  try {
    db = new Database(input.file, { timeout: BUSY_TIMEOUT_MS });
    configureConnection(db, input.durable);
    writer = new SqliteWriter(db);
  } catch (e) {
    const error = (e as Error).message;
    port.on("message", (m: Request) => port.postMessage({ id: m.id, error } satisfies Reply));
    return;
  }
  let failed: { epoch: number; error: string } | undefined;
  const refused = (m: Request & { epoch: number }) => failed?.epoch === m.epoch;
  const write = (m: Request & { epoch: number }, report: Report, source: string): InsertResult => {
    try {
      return writer.insert(report, source);
    } catch (e) {
      failed = { epoch: m.epoch, error: (e as Error).message };
      throw e;
    }
  };
  const handle = async (m: Request): Promise<Reply> => {
    switch (m.op) {
      case "insert":
        if (refused(m)) return { id: m.id, error: failed!.error };
        return { id: m.id, result: write(m, JSON.parse(m.report) as Report, m.source) };
      case "read": {
        if (refused(m)) return { id: m.id, error: failed!.error };
        // Loaded on the first input handed over: a thread that only writes never needs the readers.
        const { extract } = await import("../sources/extract");
        const x = await extract(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength), m.source, m.limits);
        const unit: UnitOutcome = { findings: x.findings, rejected: x.rejected, reports: [] };
        for (const { report, source } of x.reports) unit.reports.push({ kind: report.kind, digest: reportDigest(report), result: write(m, report, source) });
        return { id: m.id, unit };
      }
      case "commit":
        writer.commit();
        return { id: m.id };
      case "close":
        writer.commit();
        db.close();
        return { id: m.id };
    }
  };
  // One request at a time, in order: a read's extraction awaits, and nothing may overtake it meanwhile.
  let last: Promise<unknown> = Promise.resolve();
  port.on("message", (m: Request) => {
    last = last.then(async () => {
      let reply: Reply;
      try {
        reply = await handle(m);
      } catch (e) {
        reply = { id: m.id, error: (e as Error).message };
      }
      port.postMessage(reply);
      if (m.op === "close") port.close();
    });
  });
}
