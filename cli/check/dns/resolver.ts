/**
 * The one DNS resolver of a `maildomain check` run. Every question the check asks, its own and those of
 * mailauth's SPF evaluation and `authenticate`, goes through one `DnsClient`:
 *
 * - per-run cache: each name+type is asked once (concurrent askers share the pending answer);
 * - bounded concurrency: at most `concurrency` questions on the wire at once;
 * - bounded time: each attempt gives up after `timeout` ms, a timed-out question is retried `retries` times,
 *   so no question takes longer than (retries + 1) × timeout once it is on the wire; when the server has
 *   stopped answering altogether (every recent question timed out or was refused), the remaining questions fail
 *   at once instead of each waiting its own budget;
 * - classified outcomes: data, NXDOMAIN, NODATA, or a failure (`timeout`, `servfail`, `refused`,
 *   `unreachable`, `truncated`, `error`) that the checks turn into `dns.…` findings; nothing throws;
 * - truncation seen through: node:dns reports an answer that stays truncated over TCP as NODATA, and a truncated
 *   UDP answer whose TCP retry is refused as ECONNREFUSED; both are confirmed on the wire (wire.ts) within the
 *   question's budget (empty answers of the small types only until the server has shown it does not truncate them,
 *   see doubtsEmpty), and become `truncated` failures when the server truncates;
 * - CNAME chains followed, also when the server is authoritative only and answers with the CNAME alone;
 * - `resolverFunction()`: the function form mailauth takes, `resolver(name, rrtype)`, returning what
 *   `dns.promises.resolve` returns and throwing errors with its `code`s (`ENOTFOUND`, `ENODATA`, `ETIMEOUT`…).
 *
 * The backend (what asks the wire) is injectable; the default is a `node:dns` Resolver with `setServers` (or the
 * system's resolver configuration when no server is given).
 */
import { Resolver as CallbackResolver, promises as dnsPromises } from "node:dns";
import { isIP } from "node:net";
import { UsageError } from "../../io";
import { TruncationProbe, WireVerdict } from "./wire";

export type RRType = "A" | "AAAA" | "MX" | "TXT" | "CNAME" | "PTR" | "NS" | "SOA";

/** An MX record as node:dns returns it. */
export interface MxAnswer {
  exchange: string;
  priority: number;
}

/** The record data node:dns returns for each type we ask. */
export interface RecordData {
  A: string[];
  AAAA: string[];
  MX: MxAnswer[];
  TXT: string[][];
  CNAME: string[];
  PTR: string[];
  NS: string[];
  SOA: unknown[];
}

/** Why a question got no usable answer. */
export type FailureKind = "timeout" | "servfail" | "refused" | "unreachable" | "truncated" | "error";

export interface DnsFailure {
  kind: FailureKind;
  /** node:dns error code (ETIMEOUT, ESERVFAIL, EREFUSED, ECONNREFUSED, …). */
  code: string;
  /** One line for a person: what happened, where. */
  message: string;
}

/** The outcome of one lookup. `chain` lists the CNAME targets followed, in order (empty when none). */
export type Lookup<T> =
  | { status: "ok"; records: T; chain: string[] }
  | { status: "nxdomain"; chain: string[] }
  | { status: "nodata"; chain: string[] }
  | { status: "failed"; failure: DnsFailure; chain: string[] };

/** Asks the wire one question; rejects with a node:dns style error (`code`). */
export type DnsBackend = (name: string, type: RRType) => Promise<unknown>;

export interface DnsClientOptions {
  /** "HOST[:PORT]" as given by the user (IPv6 in brackets when a port follows); absent: system resolver. */
  server?: string;
  /** Per-attempt timeout, ms. */
  timeout: number;
  /** Retries after a timeout. */
  retries: number;
  /** Questions on the wire at once. */
  concurrency: number;
  /** Replace the node:dns backend (tests); `timeout` is then enforced around it. */
  backend?: DnsBackend;
  /**
   * Looks at one question on the wire when node:dns says NODATA or ECONNREFUSED (was it truncated?). Default: a
   * dns-packet probe of the server asked, with node:dns; none with an injected backend.
   */
  probe?: (name: string, type: RRType, deadline: number, afterRefusal: boolean) => Promise<WireVerdict>;
}

export interface DnsStats {
  /** Distinct questions sent (name+type), i.e. cache misses. */
  queries: number;
  /** Attempts on the wire, retries included. */
  attempts: number;
  /** Questions answered by the server: data, NXDOMAIN or NODATA. */
  answered: number;
  /** Questions that ended in a failure. */
  failed: number;
  /** Lookups answered from the run's cache (or joined a pending one). */
  cacheHits: number;
  /** Most questions on the wire at once. */
  maxInFlight: number;
  /** NODATA and ECONNREFUSED outcomes looked at on the wire for truncation. */
  confirmations: number;
}

/** mailauth's resolver signature. */
export type MailauthResolver = (name: string, rrtype: string) => Promise<unknown>;

const MAX_CNAME_HOPS = 8;

/** Empty A/AAAA/PTR/… answers shown plain on the wire after which the others are believed (see doubtsEmpty). */
const SAMPLED_PLAIN = 8;

const FAILURE_BY_CODE: Record<string, FailureKind> = {
  ETIMEOUT: "timeout",
  ESERVFAIL: "servfail",
  EREFUSED: "refused",
  ECONNREFUSED: "unreachable",
  ENETUNREACH: "unreachable",
  EHOSTUNREACH: "unreachable",
  ECONNRESET: "unreachable",
  ECANCELLED: "timeout",
};

export class DnsClient {
  readonly server: string | undefined;
  readonly stats: DnsStats = { queries: 0, attempts: 0, answered: 0, failed: 0, cacheHits: 0, maxInFlight: 0, confirmations: 0 };
  /** Answers (CNAMEs followed), by type then name (nested maps: no key strings to build and hash per lookup). */
  private readonly cache = new Map<RRType, Map<string, Promise<Lookup<unknown>>>>();
  /** The questions in the order first asked. */
  private readonly askedTypes: RRType[] = [];
  private readonly askedNames: string[] = [];
  private readonly backend: DnsBackend;
  private readonly resolver?: CallbackResolver;
  /** node:dns's callback form: no promise per question (the hot path); absent when a backend is injected. */
  private readonly ask?: (name: string, type: RRType, done: (err: NodeJS.ErrnoException | null, records: unknown) => void) => void;
  private readonly probe?: (name: string, type: RRType, deadline: number, afterRefusal: boolean) => Promise<WireVerdict>;
  private readonly prober?: TruncationProbe;
  private readonly timeout: number;
  private readonly retries: number;
  private readonly concurrency: number;
  private inFlight = 0;
  /** Questions waiting for a slot: a queue read from waitingHead (Array.shift is O(n) on long queues). */
  private readonly waiting: Question[] = [];
  private waitingHead = 0;
  /**
   * Attempts on the wire, for the watchdog, in the order sent. Every attempt has the same timeout, so deadlines
   * are in this order too: the watchdog only looks at the head (no set to hash into per question).
   */
  private readonly pending: Question[] = [];
  /** The attempt number and deadline of each entry of `pending` (parallel arrays: no allocation per attempt). */
  private readonly pendingAttempt: number[] = [];
  private readonly pendingDeadline: number[] = [];
  private pendingHead = 0;
  private watchdog?: ReturnType<typeof setInterval>;
  /** Questions in a row that got no response at all (timeout, connection refused); reset by any response. */
  private silentInARow = 0;
  private everAnswered = false;
  /** Empty answers of the small types that the wire showed plain, in a row; and whether any was truncated. */
  private plainEmptyInARow = 0;
  private truncationSeen = false;
  private dead?: DnsFailure;

  constructor(opts: DnsClientOptions) {
    this.server = opts.server;
    this.timeout = opts.timeout;
    this.retries = opts.retries;
    this.concurrency = Math.max(1, opts.concurrency);
    if (opts.backend) {
      this.backend = opts.backend;
    } else {
      // One attempt per c-ares query: retries are ours, so the budget is exactly (retries + 1) × timeout.
      const r = new CallbackResolver({ timeout: opts.timeout, tries: 1 });
      if (opts.server) r.setServers([opts.server]);
      this.resolver = r;
      const ask = (name: string, type: RRType, done: (err: NodeJS.ErrnoException | null, records: unknown) => void) =>
        r.resolve(name, type as "TXT", done as (err: NodeJS.ErrnoException | null, records: string[][]) => void);
      this.ask = ask;
      this.backend = (name, type) => new Promise((resolve, reject) => ask(name, type, (err, records) => (err ? reject(err) : resolve(records))));
      const server = opts.server ?? r.getServers()[0];
      if (server) {
        const prober = new TruncationProbe(server);
        this.prober = prober;
        this.probe = (name, type, deadline, afterRefusal) => prober.check(name, type, deadline, { afterRefusal });
      }
    }
    if (opts.probe) this.probe = opts.probe;
  }

  /** Where questions go, for messages: the server given, or the system resolver. */
  get serverLabel(): string {
    return this.server ? `DNS server ${this.server}` : "the system resolver";
  }

  /** Every distinct question asked, in the order first asked (the benchmark replays them). */
  questions(): Array<{ name: string; type: RRType }> {
    return this.askedNames.map((name, i) => ({ name, type: this.askedTypes[i] }));
  }

  /** True when at least one question was sent and none got any answer from the server. */
  get unreachable(): boolean {
    return this.stats.queries > 0 && this.stats.answered === 0;
  }

  /**
   * Look a name up, following CNAMEs; cached, never throws. Each name+type goes on the wire at most once per run,
   * and the cached answer is the followed one.
   */
  lookup<K extends RRType>(name: string, type: K): Promise<Lookup<RecordData[K]>> {
    const n = normalize(name);
    let byName = this.cache.get(type);
    if (!byName) this.cache.set(type, (byName = new Map()));
    const hit = byName.get(n);
    if (hit) {
      this.stats.cacheHits++;
      return hit as Promise<Lookup<RecordData[K]>>;
    }
    this.stats.queries++;
    this.askedTypes.push(type);
    this.askedNames.push(n);
    const p = new Promise<Lookup<unknown>>((resolve) => {
      const q: Question = { name: n, type, attempt: 0, resolve, deadline: 0, settled: false, started: 0 };
      if (this.inFlight < this.concurrency) {
        if (++this.inFlight > this.stats.maxInFlight) this.stats.maxInFlight = this.inFlight;
        this.send(q);
      } else this.waiting.push(q);
    });
    byName.set(n, p);
    return p as Promise<Lookup<RecordData[K]>>;
  }

  /**
   * The name's answer was a CNAME alone (an authoritative-only server answering for a name aliased into another
   * zone: node:dns returns an empty list). Walk the chain with CNAME questions, which never follow (so a loop is
   * seen, not waited on), then ask the final target, as a recursive resolver would.
   */
  private async followCname<K extends RRType>(first: string, type: K): Promise<Lookup<RecordData[K]>> {
    const chain: string[] = [];
    const seen = new Set<string>([first]);
    let current = first;
    for (;;) {
      const c = await this.lookup(current, "CNAME");
      if (c.status === "failed") return { ...c, chain };
      if (c.status !== "ok" || c.records.length === 0) {
        if (current === first) return { status: "nodata", chain };
        break;
      }
      const target = normalize(c.records[0]);
      chain.push(target);
      if (seen.has(target) || chain.length > MAX_CNAME_HOPS) {
        return { status: "failed", chain, failure: { kind: "error", code: "ECNAMELOOP", message: `the CNAME chain from ${first} loops or is longer than ${MAX_CNAME_HOPS} (${chain.join(" → ")})` } };
      }
      seen.add(target);
      current = target;
    }
    const r = (await this.lookup(current, type)) as Lookup<RecordData[K]>;
    return { ...r, chain: [...chain, ...r.chain] };
  }

  /** The mailauth-compatible function form over the same cache. */
  resolverFunction(): MailauthResolver {
    return async (name: string, rrtype: string) => {
      const type = String(rrtype).toUpperCase() as RRType;
      const r = await this.lookup(name, type);
      switch (r.status) {
        case "ok":
          // A fresh copy: callers (mailauth) sort and mutate what they get.
          return structuredCloneRecords(r.records);
        case "nxdomain":
          throw dnsError("ENOTFOUND", `queryTxt ENOTFOUND ${name}`, name);
        case "nodata":
          throw dnsError("ENODATA", `query ENODATA ${name}`, name);
        default:
          // A CNAME loop is what a recursive resolver answers SERVFAIL for; a name node:dns cannot put in a query
          // (a label over 63 octets) has no records.
          throw dnsError(r.failure.code === "ECNAMELOOP" ? "ESERVFAIL" : r.failure.code === "EBADNAME" ? "ENOTFOUND" : r.failure.code, r.failure.message, name);
      }
    };
  }

  /** Cancel anything still on the wire (timed-out attempts c-ares still waits for), so the process can exit. */
  close(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    this.prober?.close();
    try {
      this.resolver?.cancel();
    } catch {
      /* nothing pending */
    }
  }

  /**
   * One attempt on the wire for a question that holds a slot. Written with callbacks, not async functions: this is
   * the per-question hot path (a check of 1,000 domains asks ~27,000 questions).
   */
  private send(q: Question): void {
    if (this.dead) {
      this.finish(q, this.fail(this.dead, q.name, q.type));
      return;
    }
    this.stats.attempts++;
    q.settled = false;
    q.deadline = Date.now() + this.timeout;
    if (q.attempt === 0) q.started = q.deadline - this.timeout;
    this.pending.push(q);
    this.pendingAttempt.push(q.attempt);
    this.pendingDeadline.push(q.deadline);
    if (!this.watchdog) this.startWatchdog();
    // A late answer to an earlier attempt of a retried question is as good as an answer to the current one.
    if (this.ask) {
      this.ask(q.name, q.type, (err, records) => {
        if (q.settled) return;
        q.settled = true;
        // Nothing may throw out of a c-ares callback (it would end the process): settle the question instead.
        try {
          if (err) this.failed(q, err);
          else this.answered(q, records);
        } catch (e) {
          q.resolve({ status: "failed", chain: NO_CHAIN, failure: { kind: "error", code: "EINTERNAL", message: `internal error handling ${q.type} ${q.name}: ${(e as Error).message}` } });
        }
      });
      return;
    }
    this.backend(q.name, q.type).then(
      (records) => {
        if (q.settled) return;
        q.settled = true;
        this.answered(q, records);
      },
      (e) => {
        if (q.settled) return;
        q.settled = true;
        this.failed(q, e);
      },
    );
  }

  private answered(q: Question, records: unknown): void {
    this.heard();
    this.stats.answered++;
    if (q.type !== "CNAME" && Array.isArray(records) && records.length === 0) {
      this.finish(q, this.followCname(q.name, q.type));
    } else this.finish(q, { status: "ok", records, chain: NO_CHAIN });
  }

  private failed(q: Question, e: unknown, confirmed = false): void {
    const code = (e as NodeJS.ErrnoException | undefined)?.code ?? "EUNKNOWN";
    if (!confirmed && this.probe && ((code === "ENODATA" && this.doubtsEmpty(q.type)) || code === "ECONNREFUSED")) {
      this.confirm(q, e);
      return;
    }
    if (code === "ENOTFOUND" || code === "ENODATA") {
      this.heard();
      this.stats.answered++;
      this.finish(q, code === "ENOTFOUND" ? NXDOMAIN : NODATA);
      return;
    }
    const kind = FAILURE_BY_CODE[code] ?? "error";
    if (kind === "timeout" || kind === "unreachable") this.silence(kind, code);
    else this.heard(); // SERVFAIL, REFUSED, FORMERR…: the server did answer
    if (kind === "timeout" && q.attempt < this.retries && !this.dead) {
      q.attempt++;
      this.send(q);
      return;
    }
    this.finish(q, this.fail({ kind, code, message: describe(kind, code, q.name, q.type, this) }, q.name, q.type));
  }

  /**
   * Look at the question on the wire before believing NODATA or ECONNREFUSED: a server that truncates the answer
   * over UDP and cannot give it over TCP is a failure of the transport, not an empty name or a dead server. The
   * probe ends by the question's own deadline ((retries + 1) × timeout from its first attempt).
   */
  /**
   * Whether a NODATA of this type is looked at on the wire. TXT and MX answers can be large, so a server or path
   * that mangles large answers can leave them empty: always. A, AAAA, PTR and the like are small: an empty one is
   * truncated only by a server that truncates every answer, which the first few show, so they are looked at until
   * SAMPLED_PLAIN of them in a row came back plain, and all of them once one did not. A CNAME question's emptiness
   * decides no finding: never. (Measured with npm run bench:check: looking at every empty answer cost ~10% of the
   * query rate on 1,000 domains, each with one empty AAAA.)
   */
  private doubtsEmpty(type: RRType): boolean {
    if (type === "CNAME") return false;
    if (type === "TXT" || type === "MX") return true;
    return this.truncationSeen || this.plainEmptyInARow < SAMPLED_PLAIN;
  }

  private confirm(q: Question, e: unknown): void {
    const deadline = q.started + (this.retries + 1) * this.timeout;
    if (deadline <= Date.now()) {
      this.failed(q, e, true);
      return;
    }
    this.stats.confirmations++;
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    this.probe!(q.name, q.type, deadline, code === "ECONNREFUSED").then(
      (v) => {
        const sampled = q.type !== "TXT" && q.type !== "MX" && code === "ENODATA";
        if (v.kind !== "truncated") {
          if (sampled && v.kind === "plain") this.plainEmptyInARow++;
          return this.failed(q, e, true);
        }
        this.truncationSeen = true;
        this.heard(); // the server did answer, over UDP
        this.finish(q, this.fail({ kind: "truncated", code: "ETRUNCATED", message: describeTruncated(q.type, q.name, this, v.tcp) }, q.name, q.type));
      },
      () => this.failed(q, e, true),
    );
  }

  /** Resolve the question and pass its slot to the next waiting one. */
  private finish(q: Question, result: Lookup<unknown> | Promise<Lookup<unknown>>): void {
    q.resolve(result);
    if (this.waitingHead < this.waiting.length) {
      const next = this.waiting[this.waitingHead];
      this.waiting[this.waitingHead++] = undefined as unknown as Question;
      if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
        this.waiting.splice(0, this.waitingHead);
        this.waitingHead = 0;
      }
      this.send(next);
    } else this.inFlight--;
  }

  private fail(failure: DnsFailure, name: string, type: RRType): Lookup<unknown> {
    this.stats.failed++;
    const message = failure === this.dead ? describe(failure.kind, failure.code, name, type, this, true) : failure.message;
    return { status: "failed", failure: { ...failure, message }, chain: NO_CHAIN };
  }

  private heard(): void {
    this.silentInARow = 0;
    this.everAnswered = true;
  }

  /**
   * A question got no response. When the server has never answered and several questions in a row got none, or
   * it answered before but has now been silent for many questions in a row, it is taken as down: the remaining
   * questions fail at once (a dropped name among answered ones never trips this: each answer resets the count).
   */
  private silence(kind: FailureKind, code: string): void {
    this.silentInARow++;
    const limit = this.everAnswered ? Math.max(24, 3 * this.concurrency) : Math.max(4, Math.min(this.concurrency, 8));
    if (this.silentInARow >= limit && !this.dead) this.dead = { kind, code, message: "" };
  }

  private startWatchdog(): void {
    const every = Math.max(5, Math.min(100, Math.floor(this.timeout / 4)));
    this.watchdog = setInterval(() => {
      const now = Date.now();
      const overdue: Question[] = [];
      while (this.pendingHead < this.pending.length) {
        const i = this.pendingHead;
        const q = this.pending[i];
        // Entries of settled questions and of earlier attempts of retried ones are stale: skip them.
        if (!q.settled && q.attempt === this.pendingAttempt[i]) {
          if (this.pendingDeadline[i] > now) break;
          overdue.push(q);
        }
        this.pending[i] = undefined as unknown as Question;
        this.pendingHead++;
      }
      if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
        this.pending.splice(0, this.pendingHead);
        this.pendingAttempt.splice(0, this.pendingHead);
        this.pendingDeadline.splice(0, this.pendingHead);
        this.pendingHead = 0;
      }
      for (const q of overdue) {
        if (q.settled) continue;
        q.settled = true;
        this.failed(q, dnsError("ETIMEOUT", `no answer for ${q.type} ${q.name} within ${this.timeout} ms`, q.name));
      }
      if (this.pendingHead >= this.pending.length) {
        this.pending.length = this.pendingAttempt.length = this.pendingDeadline.length = 0;
        this.pendingHead = 0;
        clearInterval(this.watchdog);
        this.watchdog = undefined;
      }
    }, every);
  }
}

/** A question from its first ask until its answer (through retries). */
interface Question {
  name: string;
  type: RRType;
  attempt: number;
  resolve: (r: Lookup<unknown> | Promise<Lookup<unknown>>) => void;
  /** Of the current attempt. */
  deadline: number;
  /** The current attempt has ended (answer, error or timeout); a late answer to it is ignored. */
  settled: boolean;
  /** When the first attempt went on the wire (Date.now()). */
  started: number;
}

const NO_CHAIN: string[] = Object.freeze([]) as unknown as string[];
const NXDOMAIN: Lookup<unknown> = Object.freeze({ status: "nxdomain", chain: NO_CHAIN });
const NODATA: Lookup<unknown> = Object.freeze({ status: "nodata", chain: NO_CHAIN });

/** Lower case, no trailing dot. */
export function normalize(name: string): string {
  const n = name.trim().toLowerCase();
  return n.endsWith(".") && n.length > 1 ? n.slice(0, -1) : n;
}

function describe(kind: FailureKind, code: string, name: string, type: RRType, client: DnsClient, down = false): string {
  const where = client.serverLabel;
  const q = `${type} ${name}`;
  switch (kind) {
    case "timeout":
      return down
        ? `${q} was not asked: ${where} stopped answering (every recent question timed out)`
        : `no answer for ${q} from ${where} (timed out)`;
    case "unreachable":
      return down
        ? `${q} was not asked: ${where} cannot be reached (${code})`
        : `${where} cannot be reached for ${q} (${code}: nothing answers DNS there)`;
    case "servfail":
      return `${where} answered SERVFAIL for ${q}: the server failed to resolve it (a broken delegation, DNSSEC failure or an unreachable authoritative server)`;
    case "refused":
      return `${where} answered REFUSED for ${q}: it is not authoritative for this name and does not recurse for us`;
    default:
      if (code === "EBADNAME") return `${q} cannot be asked: "${name}" is not a valid DNS name (a label over 63 octets, an empty label, or characters node:dns does not send)`;
      return `DNS error ${code} for ${q} from ${where}`;
  }
}

function describeTruncated(type: RRType, name: string, client: DnsClient, tcp: string): string {
  return `${client.serverLabel} answered ${type} ${name} truncated (TC bit: the answer does not fit in a UDP message) and ${tcp}, so the records there could not be read; resolvers that depend on TCP the same way get no answer either. Allow DNS over TCP (port 53) to and from the server, or fix the server that truncates`;
}

function dnsError(code: string, message: string, hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, hostname, errno: undefined, syscall: "query" });
}

function structuredCloneRecords<T>(records: T): T {
  if (!Array.isArray(records)) return records;
  return records.map((r) => (Array.isArray(r) ? [...r] : r !== null && typeof r === "object" ? { ...r } : r)) as T;
}

/**
 * Check a `--server` value: an IPv4 or IPv6 address with an optional port ("192.0.2.1", "192.0.2.1:5300",
 * "2001:db8::1", "[2001:db8::1]:5300"), or a host name with an optional port, resolved once with the system
 * resolver. Returns the form `setServers` takes, or throws an Error with a message for the user.
 */
export async function resolveServerAddress(value: string, lookup: (host: string) => Promise<string> = systemLookup): Promise<string> {
  const v = value.trim();
  if (isIP(v) === 6) return v;
  let host: string;
  let port: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  if (bracket) {
    host = bracket[1];
    port = bracket[2];
    if (isIP(host) !== 6) throw new Error(`--server ${value}: "${host}" in brackets is not an IPv6 address`);
  } else {
    const m = /^([^:]+)(?::(\d+))?$/.exec(v);
    if (!m) throw new Error(`--server ${value} is not HOST[:PORT] (write an IPv6 address with a port as [ADDR]:PORT)`);
    host = m[1];
    port = m[2];
  }
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw new Error(`--server ${value}: port ${port} is outside 1–65535`);
  if (!isIP(host)) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.?$/.test(host)) throw new Error(`--server ${value}: "${host}" is neither an IP address nor a host name`);
    try {
      host = await lookup(host);
    } catch (e) {
      throw new Error(`--server ${value}: cannot resolve ${host} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
  }
  if (port === undefined) return host;
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `--server` as a command takes it: absent, or resolved; a bad value is a usage error (exit 2). */
export async function serverOption(value: string | undefined): Promise<string | undefined> {
  if (value === undefined) return undefined;
  try {
    return await resolveServerAddress(value);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function systemLookup(host: string): Promise<string> {
  return (await dnsPromises.lookup(host)).address;
}
