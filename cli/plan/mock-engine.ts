/**
 * A stand-in for the Pulumi engine and the cloud providers, for planning offline and for tests:
 * no Pulumi CLI, no provider plugins, no credentials. Resources are recorded with their inputs;
 * provider functions (zone lookups) get placeholder answers; `tls:index/privateKey:PrivateKey`
 * gets a real key made by node:crypto, so every planned DKIM record is a valid, verifiable key.
 *
 * Secrets as the engine keeps them: the outputs a resource names in `additionalSecretOutputs`
 * (the tls provider names `privateKeyPem`, `privateKeyPemPkcs8`, `privateKeyOpenssh`) come back
 * marked secret, which the SDK's own mocks do not do, so a record whose content is derived from a
 * private key is a secret input, as under `pulumi preview`. Every secret text seen (secret inputs
 * and secret outputs) is collected in `secretTexts`, for redaction.
 *
 * The mocks must be installed on the `@pulumi/pulumi` instance the program itself loads
 * (`installMocks`), since a program with its own node_modules has its own SDK copy.
 */
import { createHash, generateKeyPairSync, KeyObject } from "node:crypto";
import type * as pulumiSdk from "@pulumi/pulumi";

type PulumiModule = typeof pulumiSdk;
type MockResourceArgs = pulumiSdk.runtime.MockResourceArgs;
type MockCallArgs = pulumiSdk.runtime.MockCallArgs;

export interface RecordedResource {
  type: string;
  name: string;
  /** Set once the engine assigned it (after the registration completes). */
  urn: string;
  /** Inputs as the provider would receive them (secrets unwrapped: see `secretPaths`). */
  inputs: Record<string, unknown>;
  /** The explicit provider reference, `urn::id`, when one was passed. */
  provider?: string;
  custom: boolean;
  /** URN of the parent resource (the stack for top-level resources). */
  parent?: string;
  /** URNs the resource depends on, and per input property. */
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** Top-level input properties whose value was marked secret by the program. */
  secretPaths: string[];
  /** Outputs the resource asked the engine to keep secret (`additionalSecretOutputs`). */
  additionalSecretOutputs: string[];
}

export interface MockEngineOptions {
  /** Reuse one key per resource name across runs in this process, as state does between `pulumi up` runs. */
  stableKeys?: boolean;
}

export interface MockEngine {
  mocks: pulumiSdk.runtime.Mocks;
  resources: RecordedResource[];
  calls: MockCallArgs[];
  /** Keys generated for `tls.PrivateKey` resources, by resource name. */
  keys: Map<string, GeneratedTestKey>;
  /**
   * URNs registered a second time. The engine refuses such a program ("Duplicate resource URN");
   * the SDK's mocks would keep only the last, so the run is failed on them instead (`run-program`).
   */
  duplicateUrns: string[];
  /** Every string held by a secret input or a secret output, for redaction of what is printed. */
  secretTexts: Set<string>;
}

export interface GeneratedTestKey {
  algorithm: string;
  publicKeyPem: string;
  privateKeyPem: string;
  privateKeyPemPkcs8: string;
}

const keyCache = new Map<string, GeneratedTestKey>();

/** Placeholder zone ids in each provider's format, stable per zone name. */
export function placeholderZoneId(kind: "cloudflare" | "route53", zoneName: string): string {
  const h = createHash("sha256").update(`${kind}:${zoneName}`).digest("hex");
  return kind === "cloudflare" ? h.slice(0, 32) : `Z${BigInt(`0x${h.slice(0, 24)}`).toString(36).toUpperCase().padStart(20, "0").slice(0, 20)}`;
}

export function createMockEngine(options: MockEngineOptions = {}): MockEngine {
  const resources: RecordedResource[] = [];
  const calls: MockCallArgs[] = [];
  const keys = new Map<string, GeneratedTestKey>();
  const secretTexts = new Set<string>();
  const mocks: pulumiSdk.runtime.Mocks = {
    newResource(args: MockResourceArgs) {
      const request = currentRequest;
      currentRequest = undefined;
      for (const k of request?.secretPaths ?? []) collectStrings(args.inputs?.[k], secretTexts);
      resources.push({
        type: args.type,
        name: args.name,
        urn: "",
        inputs: args.inputs ?? {},
        provider: args.provider || undefined,
        custom: args.custom !== false,
        parent: request?.parent,
        dependencies: request?.dependencies ?? [],
        propertyDependencies: request?.propertyDependencies ?? {},
        secretPaths: request?.secretPaths ?? [],
        additionalSecretOutputs: request?.additionalSecretOutputs ?? [],
      });
      const state: Record<string, unknown> = { ...(args.inputs ?? {}) };
      switch (args.type) {
        case "tls:index/privateKey:PrivateKey": {
          const key = generateKey(args.name, args.inputs, options.stableKeys === true);
          keys.set(args.name, key);
          Object.assign(state, key);
          break;
        }
        // Outputs the MTA-STS hosting wires into other resources, in the forms the providers return.
        case "aws:s3/bucket:Bucket": {
          const bucket = `${args.name}-${fakeHex(args.name, 7)}`;
          Object.assign(state, { bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.us-east-1.amazonaws.com` });
          return { id: bucket, state };
        }
        case "aws:acm/certificate:Certificate": {
          const domainName = String(args.inputs.domainName);
          const token = fakeHex(domainName, 32);
          state.arn = `arn:aws:acm:us-east-1:123456789012:certificate/${fakeHex(args.name, 8)}`;
          state.domainValidationOptions = [
            { domainName, resourceRecordName: `_${token}.${domainName}.`, resourceRecordType: "CNAME", resourceRecordValue: `_${fakeHex(token, 32)}.acm-validations.aws.` },
          ];
          break;
        }
        case "aws:acm/certificateValidation:CertificateValidation":
          state.certificateArn = args.inputs.certificateArn;
          break;
        case "aws:cloudfront/distribution:Distribution": {
          const id = `E${fakeHex(args.name, 13).toUpperCase()}`;
          // Z2FDTNDATAQYW2 is the hosted zone id of every CloudFront distribution (alias records point at it).
          Object.assign(state, { arn: `arn:aws:cloudfront::123456789012:distribution/${id}`, domainName: `d${fakeHex(args.name, 13)}.cloudfront.net`, hostedZoneId: "Z2FDTNDATAQYW2" });
          return { id, state };
        }
        case "aws:cloudfront/function:Function":
          state.arn = `arn:aws:cloudfront::123456789012:function/${args.name}`;
          break;
        case "aws:route53/record:Record":
          state.fqdn = args.inputs.name;
          break;
        case "aws:sesv2/emailIdentity:EmailIdentity": {
          const tokens = [1, 2, 3].map((i) => createHash("sha256").update(`${args.inputs.emailIdentity}:${i}`).digest("hex").slice(0, 32));
          state.dkimSigningAttributes = { ...(args.inputs.dkimSigningAttributes ?? {}), tokens, status: "PENDING" };
          break;
        }
      }
      // What the engine does with additionalSecretOutputs: those outputs come back as secrets.
      // A secret Output of the program's own SDK is what the mock monitor serializes as one.
      for (const k of request?.additionalSecretOutputs ?? []) {
        if (state[k] === undefined || !currentSdk) continue;
        collectStrings(state[k], secretTexts);
        state[k] = currentSdk.secret(state[k]);
      }
      return { id: `${args.name}-id`, state };
    },
    call(args: MockCallArgs) {
      calls.push(args);
      switch (args.token) {
        case "cloudflare:index/getZone:getZone": {
          const name = args.inputs?.filter?.name ?? "unknown.invalid";
          const id = placeholderZoneId("cloudflare", name);
          return { id, zoneId: id, name, status: "active" };
        }
        case "aws:route53/getZone:getZone": {
          const name = args.inputs?.name ?? "unknown.invalid";
          const id = placeholderZoneId("route53", name);
          return { id, zoneId: id, name };
        }
        default:
          return { ...(args.inputs ?? {}) };
      }
    },
  };
  return { mocks, resources, calls, keys, duplicateUrns: [], secretTexts };
}

/** The engine's words for URNs registered twice. */
export function duplicateUrnMessage(urns: readonly string[]): string {
  return urns.map((urn) => `Duplicate resource URN '${urn}'; try giving it a unique name`).join("\n");
}

/** Every string inside a value (secrets unwrapped), into `into`. */
function collectStrings(v: unknown, into: Set<string>): void {
  if (typeof v === "string") into.add(v);
  else if (Array.isArray(v)) for (const e of v) collectStrings(e, into);
  else if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) collectStrings(o.value, into);
    else for (const e of Object.values(o)) collectStrings(e, into);
  }
}

/**
 * Install the mocks on a given SDK instance and reset it for a new program run. Config values
 * must be set before the program is loaded (`setAllConfig` on the same instance).
 */
export async function installMocks(pulumi: PulumiModule, engine: MockEngine, project: string, stack: string, preview = false): Promise<void> {
  await pulumi.runtime.setMocks(engine.mocks, project, stack, preview);
  currentSdk = pulumi;
  captureRequestDetails(pulumi, engine);
}

/** What the SDK's mocks API leaves out of `newResource` but a real engine knows. */
interface RequestDetails {
  parent?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  secretPaths: string[];
  additionalSecretOutputs: string[];
}

/** Set by the monitor wrapper just before the SDK calls `newResource` for the same request. */
let currentRequest: RequestDetails | undefined;
/** The SDK instance the mocks were last installed on (one program runs at a time). */
let currentSdk: PulumiModule | undefined;

/** The SDK's marker of a serialized secret value (`rpc.specialSigKey` / `specialSecretSig`). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getAdditionalsecretoutputsList?(): string[];
}

/**
 * Wrap the mock monitor's registerResource to read the request's parent, dependencies and secret
 * inputs. The SDK's MockMonitor calls `newResource` synchronously at the start of its own
 * registerResource, so the details are handed over through `currentRequest`.
 *
 * A second resource with the URN of one already registered is noted in `duplicateUrns`: the SDK's
 * mocks would silently keep only the last, and the plan would pass a program that `pulumi preview`
 * rejects (two components named alike, children named alike).
 */
function captureRequestDetails(pulumi: PulumiModule, engine: MockEngine): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, cb: unknown): unknown;
    newUrn(parent: string, type: string, name: string): string;
  };
  const original = monitor.registerResource.bind(monitor);
  // Registrations overlap (the mock monitor records a URN only once its resource resolved), so
  // the URNs are claimed here, as each request arrives.
  const claimed = new Set<string>();
  monitor.registerResource = (req: RegisterRequest, callback: unknown) => {
    const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
    if (claimed.has(urn)) engine.duplicateUrns.push(urn);
    claimed.add(urn);
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => (propertyDependencies[key] = deps.getUrnsList()));
    const raw = req.getObject()?.toJavaScript() ?? {};
    currentRequest = {
      parent: req.getParent() || undefined,
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      secretPaths: Object.keys(raw).filter((k) => containsSecret(raw[k])),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList?.() ?? [],
    };
    return original(req, callback);
  };
}

function containsSecret(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(containsSecret);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return o[SIG_KEY] === SECRET_SIG || Object.values(o).some(containsSecret);
  }
  return false;
}

/**
 * Wait until every resource registration and output of the program has settled, then fill in the
 * URNs the engine assigned.
 */
export async function settle(pulumi: PulumiModule, engine: MockEngine): Promise<void> {
  // waitForRPCs is the SDK's own "drain the queue" (used by disconnect); it is marked internal.
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  for (let i = 0; i < 3; i++) {
    await runtime.waitForRPCs?.();
    await new Promise((r) => setImmediate(r));
  }
  const monitor = pulumi.runtime.getMonitor() as unknown as { resources?: Map<string, { urn: string }> };
  const byTypeAndName = new Map<string, string>();
  for (const urn of monitor?.resources?.keys() ?? []) byTypeAndName.set(`${urnType(urn)}::${urnName(urn)}`, urn);
  for (const r of engine.resources) r.urn = byTypeAndName.get(`${r.type}::${r.name}`) ?? r.urn;
}

/** The resource's own type, the last segment of the URN's type chain. */
export function urnType(urn: string): string {
  const typeChain = urn.split("::")[2] ?? "";
  const parts = typeChain.split("$");
  return parts[parts.length - 1];
}

/** The resource's own name, the URN's last segment. */
export function urnName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The parent's type chain of a URN (`maildomain:index:MailDomain` for a record under it). */
export function urnParentTypes(urn: string): string[] {
  const parts = (urn.split("::")[2] ?? "").split("$");
  return parts.slice(0, -1);
}

/** Stable hex digits for placeholder ids. */
function fakeHex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

function generateKey(name: string, inputs: Record<string, unknown>, stable: boolean): GeneratedTestKey {
  const algorithm = String(inputs.algorithm ?? "RSA");
  const bits = Number(inputs.rsaBits ?? 2048);
  const cacheKey = `${name}:${algorithm}:${bits}`;
  const cached = stable ? keyCache.get(cacheKey) : undefined;
  if (cached) return cached;
  let pair: { publicKey: KeyObject; privateKey: KeyObject };
  if (algorithm === "ED25519") pair = generateKeyPairSync("ed25519");
  else if (algorithm === "ECDSA") pair = generateKeyPairSync("ec", { namedCurve: String(inputs.ecdsaCurve ?? "P256") === "P384" ? "P-384" : "P-256" });
  else pair = generateKeyPairSync("rsa", { modulusLength: bits });
  const pkcs8 = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const key: GeneratedTestKey = {
    algorithm,
    publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
    // As @pulumi/tls: PKCS#1 for RSA, PKCS#8 otherwise.
    privateKeyPem: algorithm === "RSA" ? pair.privateKey.export({ type: "pkcs1", format: "pem" }).toString() : pkcs8,
    privateKeyPemPkcs8: pkcs8,
  };
  if (stable) keyCache.set(cacheKey, key);
  return key;
}
