/**
 * The Worker the component deploys, run in Cloudflare's own runtime: workerd from npm serves the exact module
 * `mtaStsWorkerScript` generates for a policy the planner built, and is asked over HTTP on loopback what a sender
 * (and a curious browser) would ask. TLS is Cloudflare's edge, not the Worker's, so plain HTTP is what the Worker sees.
 */
import { spawn, ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { mtaStsWorkerScript, POLICY_PATH, WORKER_COMPATIBILITY_DATE, WORKER_MAIN_MODULE } from "../../components/hosting/worker-script";
import { buildMtaSts, parseMtaStsPolicy } from "../../components/records/mta-sts";
import { MtaStsMode } from "../../components";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const workerd = require("workerd") as { default: string; compatibilityDate: string };

const policy = buildMtaSts({ mode: MtaStsMode.Enforce, maxAge: 1209600 }, ["mx1.example.com", "mx2.example.com"]).policyText;
let child: ChildProcess | undefined;
let base = "";
let dir = "";
let stderr = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitForPort(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child?.exitCode !== null && child?.exitCode !== undefined) throw new Error(`workerd exited with ${child.exitCode}: ${stderr}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => s.end(() => resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`workerd did not listen on ${port} within 20 s: ${stderr}`);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-workerd-"));
  fs.writeFileSync(path.join(dir, WORKER_MAIN_MODULE), mtaStsWorkerScript(policy));
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "mta-sts", worker = .policyWorker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "mta-sts")],
);
const policyWorker :Workerd.Worker = (
  modules = [(name = "${WORKER_MAIN_MODULE}", esModule = embed "${WORKER_MAIN_MODULE}")],
  compatibilityDate = "${WORKER_COMPATIBILITY_DATE}",
);
`,
  );
  child = spawn(workerd.default, ["serve", path.join(dir, "config.capnp")], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.on("data", (d) => (stderr += String(d)));
  await waitForPort(port, Date.now() + 20_000);
  base = `http://127.0.0.1:${port}`;
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const ask = (p: string, init: RequestInit = {}) => fetch(`${base}${p}`, { redirect: "manual", ...init, headers: { host: "mta-sts.example.com", ...(init.headers ?? {}) } });

test("the runtime supports the compatibility date the component deploys with", () => {
  expect(WORKER_COMPATIBILITY_DATE <= workerd.compatibilityDate).toBe(true);
});

test("GET /.well-known/mta-sts.txt answers exactly the policy, as text/plain, not cached", async () => {
  const r = await ask(POLICY_PATH);
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")?.split(";")[0].trim()).toBe("text/plain");
  expect(r.headers.get("cache-control")).toBe("no-store");
  expect(r.headers.get("x-content-type-options")).toBe("nosniff");
  const body = Buffer.from(await r.arrayBuffer());
  expect(body.equals(Buffer.from(policy, "utf8"))).toBe(true);
  expect(parseMtaStsPolicy(body.toString("utf8"))).toEqual({ model: { mode: "enforce", mx: ["mx1.example.com", "mx2.example.com"], maxAge: 1209600 }, diagnostics: [] });
});

test("a query string does not change the answer", async () => {
  const r = await ask(`${POLICY_PATH}?refresh=1`);
  expect(r.status).toBe(200);
  expect(await r.text()).toBe(policy);
});

test("HEAD answers 200 with the headers and no body", async () => {
  const r = await ask(POLICY_PATH, { method: "HEAD" });
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")?.startsWith("text/plain")).toBe(true);
  expect(await r.text()).toBe("");
});

test.each(["POST", "PUT", "DELETE", "OPTIONS", "PATCH"])("%s on the policy path is 405 with Allow: GET, HEAD", async (method) => {
  const r = await ask(POLICY_PATH, { method, ...(method === "POST" || method === "PUT" || method === "PATCH" ? { body: "x" } : {}) });
  expect(r.status).toBe(405);
  expect(r.headers.get("allow")).toBe("GET, HEAD");
  expect(r.headers.get("location")).toBeNull();
});

test.each(["/", "/index.html", "/.well-known/", "/.well-known/mta-sts.txt/", "/.well-known/MTA-STS.TXT", "/well-known/mta-sts.txt", "/.well-known/mta-sts.txt.bak", "/.well-known/security.txt"])(
  "%s is 404 with no redirect",
  async (p) => {
    for (const method of ["GET", "POST"]) {
      const r = await ask(p, { method, ...(method === "POST" ? { body: "x" } : {}) });
      expect(r.status).toBe(404);
      expect(r.headers.get("location")).toBeNull();
      expect(r.headers.get("content-type")?.startsWith("text/plain")).toBe(true);
      expect(await r.text()).not.toContain("version: STSv1");
    }
  },
);

test("the script is a pure function of the policy text", () => {
  expect(mtaStsWorkerScript(policy)).toBe(mtaStsWorkerScript(`${policy}`));
  expect(mtaStsWorkerScript(policy.replace("enforce", "testing"))).not.toBe(mtaStsWorkerScript(policy));
});

test("a policy with quotes, backslashes or line separators in an extension survives into the module unchanged", () => {
  const odd = `${policy}x-note: "quoted" \\ and \u2028\r\n`;
  const source = mtaStsWorkerScript(odd);
  // The module's POLICY constant evaluates back to the exact text.
  const line = source.split("\n").find((l) => l.startsWith("const POLICY = "))!;
  const literal = line.slice("const POLICY = ".length, -1);
  expect(JSON.parse(literal)).toBe(odd);
});
