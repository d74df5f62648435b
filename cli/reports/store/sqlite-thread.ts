/**
 * The SQLite store's writer thread: the same write path (sqlite-writer.ts) on its own connection in a worker
 * thread, so that a large run's inserts and commits (a third of its time on the main thread; npm run
 * bench:reports) overlap the reading and parsing of the next reports on a second core.
 *
 * Messages are handled one at a time, in the order they were sent, so a commit covers exactly the reports sent
 * before it, and a report crosses as JSON text (the models are plain data; JSON.stringify and JSON.parse are
 * several times faster than the structured clone of the same objects).
 *
 * A failed write rolls the open batch back in the thread, as on the main thread; the reports of that batch sent
 * after it, before the store learned of the failure, are refused with the same error rather than written into a
 * batch of their own (each message carries the store's epoch, which moves on when a failure is seen).
 */
import { parentPort, Worker, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { Report } from "../../../reports/model";
import { ownSourcesLoader, type OwnSources } from "../../own-sources";
import { BUSY_TIMEOUT_MS, configureConnection, SqliteWriter } from "./sqlite-writer";
import type { InsertResult } from "./store";

type Request = { id: number; op: "insert"; epoch: number; report: string; source: string } | { id: number; op: "commit" } | { id: number; op: "close" };
type Reply = { id: number; result?: InsertResult; error?: string };

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
    await thread.call({ op: "commit" });
    return thread;
  }

  insert(report: Report, source: string, epoch: number): Promise<InsertResult> {
    return this.call({ op: "insert", epoch, report: JSON.stringify(report), source }).then((r) => r.result!);
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

  private call(request: { op: "insert"; epoch: number; report: string; source: string } | { op: "commit" } | { op: "close" }): Promise<Reply> {
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
  port.on("message", (m: Request) => {
    try {
      switch (m.op) {
        case "insert": {
          if (failed?.epoch === m.epoch) {
            port.postMessage({ id: m.id, error: failed.error } satisfies Reply);
            return;
          }
          try {
            port.postMessage({ id: m.id, result: writer.insert(JSON.parse(m.report) as Report, m.source) } satisfies Reply);
          } catch (e) {
            failed = { epoch: m.epoch, error: (e as Error).message };
            port.postMessage({ id: m.id, error: failed.error } satisfies Reply);
          }
          return;
        }
        case "commit":
          writer.commit();
          port.postMessage({ id: m.id } satisfies Reply);
          return;
        case "close":
          writer.commit();
          db.close();
          port.postMessage({ id: m.id } satisfies Reply);
          port.close();
          return;
      }
    } catch (e) {
      port.postMessage({ id: m.id, error: (e as Error).message } satisfies Reply);
    }
  });
}
