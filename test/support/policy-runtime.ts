/**
 * The SDK's own policy runtime (`@pulumi/pulumi/cmd/run-policy-pack`, what `pulumi preview
 * --policy-pack` starts as the analyzer plugin), started on a pack folder and spoken to over gRPC.
 */
import { ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

export interface PolicyRuntime {
  call<T>(method: string, request: unknown): Promise<T>;
  stop(): void;
}

export interface StartOptions {
  /** The `@pulumi/pulumi` folder whose runtime to start (the pack's own after `npm install`). */
  sdkDir: string;
  /** Extra module folders, when the pack's dependencies are not installed inside it. */
  nodePath?: string;
}

/** Start `run-policy-pack` on the folder and connect to the port it prints. */
export function startPolicyRuntime(packDir: string, options: StartOptions): Promise<PolicyRuntime> {
  const runner = join(options.sdkDir, "cmd/run-policy-pack");
  const env = { ...process.env, ...(options.nodePath ? { NODE_PATH: options.nodePath } : {}) };
  if (!options.nodePath) delete env.NODE_PATH;
  const child: ChildProcess = spawn(process.execPath, [runner, "127.0.0.1:1", packDir], { cwd: packDir, env, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolvePort, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => fail(new Error(`the policy runtime printed no port in time: ${err}`)), 20000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(e);
    };
    child.stderr?.on("data", (d) => (err += String(d)));
    child.on("exit", (code) => fail(new Error(`the policy runtime exited (${code}): ${err}`)));
    child.stdout?.on("data", (d) => {
      out += String(d);
      const m = /^(\d+)\s*$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${m[1]}`, grpc.credentials.createInsecure());
      const rpc = client as unknown as Record<string, (req: unknown, cb: (e: Error | null, r: unknown) => void) => void>;
      resolvePort({
        call: <T>(method: string, request: unknown) => new Promise<T>((ok, ko) => rpc[method].call(client, request, (e, r) => (e ? ko(e) : ok(r as T)))),
        stop: () => {
          client.close();
          child.kill();
        },
      });
    });
  });
}

/** Ask the runtime to analyze one resource, as the engine does for each registration. */
export function analyzeResource(runtime: PolicyRuntime, type: string, name: string, props: Record<string, unknown>, stack = "prod"): Promise<analyzerPb.AnalyzeResponse> {
  const req = new analyzerPb.AnalyzeRequest();
  req.setType(type);
  req.setName(name);
  req.setUrn(`urn:pulumi:${stack}::mail::${type}::${name}`);
  req.setProperties(Struct.fromJavaScript(props as never));
  req.setOptions(new analyzerPb.AnalyzerResourceOptions());
  return runtime.call<analyzerPb.AnalyzeResponse>("analyze", req);
}
