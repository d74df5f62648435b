/**
 * Build the publishable pack: `npm --prefix policies run build` → `policies/dist/`.
 *
 * `pulumi policy publish` ships only the folder it runs in, and the source pack imports the core
 * from `../components`. So the pack is bundled with esbuild:
 *   dist/policies.js    the policy arrays with the core and its libraries (tldts, ipaddr.js, tr46)
 *                       inlined: `require("./dist/policies.js").allPolicies` works anywhere;
 *   dist/index.js       constructs the PolicyPack from `./policies.js`;
 *   dist/package.json   name, version, `main`, and only `@pulumi/policy` and `@pulumi/pulumi` as
 *                       dependencies (left external: the engine talks to the SDK's own copy);
 *   dist/PulumiPolicy.yaml, dist/README.md, dist/policy-config.example.json.
 * Then `cd policies/dist && pulumi policy publish <org>`.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build, type Metafile, type Plugin } from "esbuild";

export const EXTERNAL = ["@pulumi/policy", "@pulumi/pulumi"];

export interface PackBuild {
  outDir: string;
  /** esbuild's metafile of each output: which inputs went in. */
  metafiles: Metafile[];
}

const packDir = __dirname;

/** index.ts imports "./all": in the bundle that is the sibling `./policies.js`. */
const policiesExternal: Plugin = {
  name: "policies-external",
  setup(b) {
    b.onResolve({ filter: /^\.\/all$/ }, (args) => (args.importer === join(packDir, "index.ts") ? { path: "./policies.js", external: true } : undefined));
  },
};

export async function buildPolicyPack(outDir = join(packDir, "dist")): Promise<PackBuild> {
  const out = resolve(outDir);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const common = {
    bundle: true,
    platform: "node" as const,
    format: "cjs" as const,
    target: "node18",
    external: EXTERNAL.flatMap((e) => [e, `${e}/*`]),
    metafile: true,
    logLevel: "silent" as const,
    absWorkingDir: packDir,
    tsconfig: join(packDir, "tsconfig.json"),
  };
  const policies = await build({ ...common, entryPoints: [join(packDir, "all.ts")], outfile: join(out, "policies.js") });
  const index = await build({ ...common, entryPoints: [join(packDir, "index.ts")], outfile: join(out, "index.js"), plugins: [policiesExternal] });

  const pkg = JSON.parse(readFileSync(join(packDir, "package.json"), "utf8")) as Record<string, unknown>;
  const deps = (pkg.dependencies ?? {}) as Record<string, string>;
  const published = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    main: "index.js",
    dependencies: Object.fromEntries(EXTERNAL.map((name) => [name, deps[name]])),
  };
  writeFileSync(join(out, "package.json"), `${JSON.stringify(published, null, 2)}\n`);
  copyFileSync(join(packDir, "PulumiPolicy.yaml"), join(out, "PulumiPolicy.yaml"));
  for (const file of ["README.md", "policy-config.example.json"]) copyFileSync(join(packDir, file), join(out, file));
  return { outDir: out, metafiles: [policies.metafile, index.metafile].filter((m): m is Metafile => m !== undefined) };
}

if (require.main === module) {
  buildPolicyPack(process.argv[2]).then(
    (r) => console.log(`built the policy pack in ${r.outDir}`),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
