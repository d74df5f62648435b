/**
 * Compiling the user's TypeScript program the way Pulumi's Node.js language host does
 * (`@pulumi/pulumi/cmd/run` and `tsutils.typeScriptRequireStrings`): with the `typescript` and
 * `ts-node` the program's own project resolves, else with the copies vendored inside the
 * program's `@pulumi/pulumi` (TypeScript 3.8.3 and ts-node 7.0.1, Pulumi's own fallback), and
 * with the program's own `tsconfig.json` when it has one. maildomain never brings its own
 * TypeScript: the package ships compiled JavaScript, and the user's compiler version stays the
 * user's choice.
 *
 * Transpile-only: a plan is a dry run of what the program registers; type errors are what the
 * user's `tsc` (or `pulumi preview` with type checking) reports.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface TypeScriptLoader {
  /** Absolute path of the TypeScript compiler module used. */
  compiler: string;
  /** Absolute path of the ts-node module used. */
  tsNode: string;
  /** The tsconfig.json read, if the program has one. */
  tsconfig?: string;
}

/** Options ts-node 7 to 10 all understand (`register(options)`). */
interface TsNodeRegisterOptions {
  compiler: string;
  transpileOnly: boolean;
  project?: string;
  skipProject: boolean;
  compilerOptions: Record<string, unknown>;
}

/** One registration per process: a second `require.extensions[".ts"]` hook would compile twice. */
const REGISTERED = Symbol.for("maildomain.plan.typescript");
type WithRegistration = typeof globalThis & { [REGISTERED]?: TypeScriptLoader };

/**
 * Register ts-node for `.ts` files, once per process. `sdkPackageDir` is the folder of the
 * `@pulumi/pulumi` the program resolves (its `vendor/` holds the fallback compiler).
 */
export function registerTypeScript(programDir: string, sdkPackageDir: string): TypeScriptLoader {
  const global = globalThis as WithRegistration;
  const existing = global[REGISTERED];
  if (existing) return existing;
  const compiler = resolveFrom(programDir, "typescript") ?? path.join(sdkPackageDir, "vendor", "typescript@3.8.3", "typescript.js");
  const tsNode = resolveFrom(programDir, "ts-node") ?? path.join(sdkPackageDir, "vendor", "ts-node@7.0.1");
  const tsconfigFile = path.join(programDir, "tsconfig.json");
  const tsconfig = fs.existsSync(tsconfigFile) ? tsconfigFile : undefined;
  const options: TsNodeRegisterOptions = {
    compiler,
    transpileOnly: true,
    project: tsconfig,
    skipProject: tsconfig === undefined,
    compilerOptions: tsconfig ? {} : defaultCompilerOptions(compiler),
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsn = require(tsNode) as { register(options: TsNodeRegisterOptions): unknown };
  // ts-node installs source-map-support as Error.prepareStackTrace. The SDK formats a stack trace
  // for every resource and every promise it makes (Resource.callsites, debuggablePromise), and
  // mapping each frame through source maps made a plan of 1,000 domains 2.7× slower in CPU time
  // (54 s against 20 s, the same program as plain JavaScript 22 s; Node's own source maps 29 s).
  // A plan prints no stack traces of the program's own code for user errors, so speed wins: the
  // hook Node had before is put back.
  const prepareStackTrace = Error.prepareStackTrace;
  tsn.register(options);
  Error.prepareStackTrace = prepareStackTrace;
  const loader: TypeScriptLoader = { compiler, tsNode, tsconfig };
  global[REGISTERED] = loader;
  return loader;
}

/**
 * Without a tsconfig.json, the defaults Pulumi's language host gives a CommonJS program:
 * `nodenext` from TypeScript 4.7 on (TypeScript 6 refuses the old `node` resolution), else
 * `commonjs` with `node` resolution.
 */
function defaultCompilerOptions(compiler: string): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const [major, minor] = String((require(compiler) as { version?: string }).version ?? "0.0").split(".").map(Number);
  const nodeNext = major > 4 || (major === 4 && minor >= 7);
  return { target: "ES2020", module: nodeNext ? "nodenext" : "commonjs", moduleResolution: nodeNext ? "nodenext" : "node", esModuleInterop: true };
}

function resolveFrom(dir: string, request: string): string | undefined {
  try {
    return require.resolve(request, { paths: [dir] });
  } catch {
    return undefined;
  }
}
