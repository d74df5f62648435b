/**
 * Reading a Pulumi project the way the Pulumi CLI does: `Pulumi.yaml` (name, runtime, main) and
 * the stack's `Pulumi.<stack>.yaml` config, turned into the `project:key` → string map the engine
 * hands to a Node.js program (objects as JSON, scalars as strings; project-level defaults from
 * `Pulumi.yaml`'s `config:` block).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { UsageError } from "../io";

export interface PulumiProject {
  dir: string;
  name: string;
  /** Absolute path of the program's entry module. */
  entry: string;
  /**
   * Whether `.ts` files are compiled (see typescript.ts): as Pulumi's language host, unless
   * Pulumi.yaml says `runtime: { name: nodejs, options: { typescript: false } }`.
   */
  typescript: boolean;
}

export interface StackConfig {
  values: Record<string, string>;
  /** Keys whose value is `secure:` (encrypted): they cannot be decrypted offline. */
  secureKeys: string[];
  /** The stack file read, if there was one. */
  file?: string;
}

/** The program's Pulumi.yaml and its entry point. */
export function readProject(dir: string): PulumiProject {
  const manifest = readProjectManifest(dir);
  return { dir, name: manifest.name, entry: resolveEntry(dir, manifest.main), typescript: manifest.typescript };
}

/** Only what Pulumi.yaml says (name, main, TypeScript), without looking for the entry point. */
export function readProjectManifest(dir: string): { name: string; main?: string; typescript: boolean } {
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!file) throw new UsageError(`no Pulumi.yaml in ${dir}: give the program's directory with --cwd.`);
  const doc = parseYamlFile(file) as { name?: unknown; runtime?: unknown; main?: unknown };
  if (typeof doc?.name !== "string" || doc.name === "") throw new UsageError(`${file}: the project has no name.`);
  const runtime = typeof doc.runtime === "string" ? doc.runtime : (doc.runtime as { name?: unknown } | undefined)?.name;
  if (runtime !== "nodejs") {
    throw new UsageError(`${file}: runtime is ${JSON.stringify(runtime)}; maildomain plan runs Node.js (TypeScript or JavaScript) programs only.`);
  }
  const options = typeof doc.runtime === "object" ? (doc.runtime as { options?: { typescript?: unknown } } | null)?.options : undefined;
  return { name: doc.name, main: typeof doc.main === "string" ? doc.main : undefined, typescript: options?.typescript !== false };
}

function resolveEntry(dir: string, main: string | undefined): string {
  const base = main ? path.resolve(dir, main) : dir;
  const candidates = [base];
  if (!main || isDirectory(base)) {
    const pkgFile = path.join(base, "package.json");
    if (fs.existsSync(pkgFile)) {
      const pkgMain = (JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main?: string }).main;
      if (pkgMain) candidates.unshift(path.resolve(base, pkgMain));
    }
    candidates.push(path.join(base, "index.ts"), path.join(base, "index.js"));
  }
  const found = candidates.find((c) => fs.existsSync(c) && !isDirectory(c));
  if (!found) throw new UsageError(`cannot find the program's entry point in ${base} (looked for ${candidates.map((c) => path.relative(dir, c) || ".").join(", ")}).`);
  return found;
}

/**
 * The stack's config. `missing` says what a stack file that does not exist means: `empty` (the
 * default) the project's defaults only, as for the Pulumi CLI, whose stacks need no stack file;
 * `error` a usage error that lists the stacks there are; `error-unless-none` the same, except in
 * a project that has no stack file at all (beside other stack files, a missing one is a typo).
 * `org/project/stack` names use the last part, as the Pulumi CLI names stack files.
 */
export function readStackConfig(project: Pick<PulumiProject, "dir" | "name">, stack: string, options: { missing?: "empty" | "error" | "error-unless-none" } = {}): StackConfig {
  const parts = stack.split("/");
  const stackName = parts[parts.length - 1];
  if (parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9_.-]+$/.test(p) || p === "." || p === "..")) {
    throw new UsageError(`--stack ${JSON.stringify(stack)} is not a stack name: use letters, digits, "-", "_" and "." (an org/project/ prefix is allowed).`);
  }
  const values: Record<string, string> = {};
  const secureKeys: string[] = [];
  const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);
  const put = (key: string, value: unknown) => {
    if (value && typeof value === "object" && !Array.isArray(value) && "secure" in (value as object)) {
      secureKeys.push(qualify(key));
      values[qualify(key)] = "";
      return;
    }
    values[qualify(key)] = typeof value === "string" ? value : JSON.stringify(value);
  };
  // Project-level defaults (Pulumi.yaml `config: { key: { default: … } }` or `key: value`).
  const projectDoc = parseYamlFile(path.join(project.dir, fs.existsSync(path.join(project.dir, "Pulumi.yaml")) ? "Pulumi.yaml" : "Pulumi.yml")) as { config?: Record<string, unknown> };
  for (const [key, decl] of Object.entries(projectDoc?.config ?? {})) {
    if (decl && typeof decl === "object" && !Array.isArray(decl)) {
      if ("default" in (decl as object)) put(key, (decl as { default: unknown }).default);
      else if ("value" in (decl as object)) put(key, (decl as { value: unknown }).value);
    } else put(key, decl);
  }
  const file = ["yaml", "yml"].map((ext) => path.join(project.dir, `Pulumi.${stackName}.${ext}`)).find((f) => fs.existsSync(f));
  const stacks = existingStacks(project.dir);
  const missing = options.missing ?? "empty";
  if (!file && (missing === "error" || (missing === "error-unless-none" && stacks.length > 0))) {
    const there = stacks.length ? `the stacks there are ${stacks.join(", ")}` : "there is no stack file (Pulumi.<stack>.yaml) there at all";
    throw new UsageError(`--stack ${stack}: Pulumi.${stackName}.yaml does not exist in ${project.dir}; ${there}. Give one of them with --stack, or create Pulumi.${stackName}.yaml.`);
  }
  if (file) {
    const doc = parseYamlFile(file) as { config?: Record<string, unknown> } | null;
    for (const [key, value] of Object.entries(doc?.config ?? {})) put(key, value);
  }
  return { values, secureKeys, file };
}

/** Stack names that have a `Pulumi.<stack>.yaml` in the project folder. */
function existingStacks(dir: string): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return entries.map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1]).filter((s): s is string => s !== undefined).sort();
}

function parseYamlFile(file: string): unknown {
  try {
    return YAML.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message.split("\n")[0]}`);
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
