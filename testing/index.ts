/**
 * `maildomain/testing`: unit tests of a user's own Pulumi program, the way Pulumi documents them
 * (`pulumi.runtime.setMocks`, then import the program), with mocks that know what MailDomain
 * needs. Pulumi's documented mocks (`newResource` returning `state: args.inputs`) leave a
 * `tls.PrivateKey` without its public key, so a generated DKIM selector has nothing to publish;
 * these mocks generate a real key for it, answer the Cloudflare and Route 53 zone lookups, and
 * read back the DNS records the program declared (whoever declared them) in their logical form.
 *
 * It is the mock engine `maildomain plan` runs programs under, installed on the `@pulumi/pulumi`
 * the program uses: this package's peer dependency, so the user's own copy.
 *
 *   import { setMocks } from "maildomain/testing";
 *   const mail = await setMocks({ stack: "prod" });
 *   await import("./index");
 *   expect((await mail.records()).find((r) => r.name === "_dmarc.example.com")?.values).toEqual(["v=DMARC1; p=reject"]);
 */
import * as path from "node:path";
import type * as pulumiSdk from "@pulumi/pulumi";
import { plannedDnsRecords, PlannedDnsRecord } from "../cli/plan/dns-records";
import { createMockEngine, GeneratedTestKey, installMocks, MockEngine, RecordedResource, settle } from "../cli/plan/mock-engine";
import { readProjectManifest, readStackConfig } from "../cli/plan/project";
import type { PolicyConfigFile } from "../policies/harness";

/**
 * A policy config file's content (`--policy-pack-config`): policy name → level, or → `{
 * enforcementLevel, …properties }`. Spelled out here: `@pulumi/policy`'s own declarations do not
 * compile without skipLibCheck, and this module's must (Pulumi's template tsconfig has none).
 */
export type PolicyConfig = Record<string, string | ({ enforcementLevel?: string } & Record<string, unknown>)>;

export type { GeneratedTestKey, RecordedResource };

/** A DNS record the program declared, as a resolver would serve it. */
export type DeclaredDnsRecord = Omit<PlannedDnsRecord, "previewKey">;

export interface SetMocksOptions {
  /** Project name (default: from `programDir`'s Pulumi.yaml, else "project"). */
  project?: string;
  /** Stack name (default "dev"). Production policies key on it (`prod`, `production`, …). */
  stack?: string;
  /** Run as `pulumi preview` (true) or `pulumi up` (false, the default). */
  preview?: boolean;
  /**
   * Stack config the program reads with `new pulumi.Config()`: `key` (the project's namespace)
   * or `namespace:key`; objects and lists are passed as JSON, as the engine does.
   */
  config?: Record<string, unknown>;
  /**
   * The program's folder: its Pulumi.yaml gives the project name and its `Pulumi.<stack>.yaml`
   * the config (below `config`, which overrides it), as `maildomain plan` reads them.
   */
  programDir?: string;
  /**
   * Keep what components log (MailDomain's warnings and notes) in `logs` instead of printing it
   * (default true).
   */
  captureLogs?: boolean;
  /** The SDK instance to install on (default: the `@pulumi/pulumi` this package resolves, which is the program's). */
  pulumi?: typeof pulumiSdk;
}

export interface MailDomainMocks {
  /** The `pulumi.runtime.Mocks` object installed, to wrap or to hand to `setMocks` yourself. */
  readonly mocks: pulumiSdk.runtime.Mocks;
  /** What components logged through `pulumi.log` (with `captureLogs`). */
  readonly logs: { severity: "info" | "warning" | "error"; message: string }[];
  /** Wait until every registration and output of the program has settled. */
  settled(): Promise<void>;
  /** Every resource the program registered, with its inputs (after `settled`). */
  resources(): Promise<RecordedResource[]>;
  /** The DNS records the program declared on Cloudflare or Route 53, in logical form (TXT joined, MX `10 host.`). */
  records(): Promise<DeclaredDnsRecord[]>;
  /** One record set by name and type, or undefined. */
  record(name: string, type: string): Promise<DeclaredDnsRecord | undefined>;
  /** Keys made for `tls.PrivateKey` resources, by resource name. */
  readonly generatedKeys: ReadonlyMap<string, GeneratedTestKey>;
  /**
   * Run the maildomain policy pack on what the program registered, as `pulumi preview
   * --policy-pack` would (the stack name decides production). `config`: the policy config file's
   * content (`{ "<policy>": { "enforcementLevel": …, … } }`).
   */
  policyViolations(config?: PolicyConfig): Promise<{ policy: string; enforcementLevel: string; message: string; urn?: string }[]>;
}

/**
 * Install the mocks (and the stack config) on the program's `@pulumi/pulumi`. Call it before the
 * program is imported; call it again for a fresh run (each call resets what was recorded).
 */
export async function setMocks(options: SetMocksOptions = {}): Promise<MailDomainMocks> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi: typeof pulumiSdk = options.pulumi ?? require("@pulumi/pulumi");
  const programDir = options.programDir ? path.resolve(options.programDir) : undefined;
  const project = programDir ? { dir: programDir, name: readProjectManifest(programDir).name } : undefined;
  const projectName = options.project ?? project?.name ?? "project";
  const stack = options.stack ?? "dev";
  const engine: MockEngine = createMockEngine({ stableKeys: false });
  await installMocks(pulumi, engine, projectName, stack, options.preview ?? false);

  const stackConfig = project ? readStackConfig(project, stack) : { values: {}, secureKeys: [] };
  const values: Record<string, string> = { ...stackConfig.values };
  for (const [key, value] of Object.entries(options.config ?? {})) {
    values[key.includes(":") ? key : `${projectName}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  pulumi.runtime.setAllConfig(values, stackConfig.secureKeys);

  const logs: MailDomainMocks["logs"] = [];
  if (options.captureLogs !== false) {
    const log = pulumi.log as unknown as Record<"info" | "warn" | "error", (msg: string) => Promise<void>>;
    log.info = async (m) => void logs.push({ severity: "info", message: m });
    log.warn = async (m) => void logs.push({ severity: "warning", message: m });
    log.error = async (m) => void logs.push({ severity: "error", message: m });
  }

  const settled = () => settle(pulumi, engine);
  const records = async () => {
    await settled();
    return plannedDnsRecords(engine).map(({ previewKey: _previewKey, ...r }) => r);
  };
  return {
    mocks: engine.mocks,
    logs,
    settled,
    resources: async () => {
      await settled();
      return engine.resources;
    },
    records,
    record: async (name, type) => {
      const n = name.toLowerCase().replace(/\.$/, "");
      return (await records()).find((r) => r.name === n && r.type === type.toUpperCase());
    },
    generatedKeys: engine.keys,
    policyViolations: async (config) => {
      await settled();
      // Loaded here, not at the top: the policy engine is only needed when asked for.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runPolicies } = require("../policies/harness") as typeof import("../policies/harness");
      const result = await runPolicies(engine.resources, { stack, project: projectName, config: config as PolicyConfigFile });
      return result.violations.map((v) => ({ policy: v.policy, enforcementLevel: v.enforcementLevel, message: v.message, ...(v.urn ? { urn: v.urn } : {}) }));
    },
  };
}

/**
 * Only the mocks object (real keys for `tls.PrivateKey`, zone lookups answered), for programs
 * that call `pulumi.runtime.setMocks` themselves or combine it with mocks of their own.
 */
export function mailDomainMocks(): pulumiSdk.runtime.Mocks {
  return createMockEngine({ stableKeys: false }).mocks;
}
