/**
 * The declaration the advisor compares the reports with: `--expect PLAN.json` (a `maildomain plan --json`
 * output, read as `maildomain check --expect` reads it) or `--cwd DIR --stack NAME` (the program planned in
 * process, as `maildomain plan` runs it). Either way the result is the plan's record sets and the MTA-STS policy
 * files its hosting resources carry; a plan that cannot be read or a program that fails is a usage error, before
 * any report is read.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { policyTextsIn, readDeclarations, type Declaration, type DeclaredRecordSet } from "../../../reports/advisor";
import { readPlanResources, recordSetsOf } from "../../check/expect";
import { UsageError } from "../../io";

export interface DeclaredPlan {
  /** What was read, for messages: `plan.json`, or `program ./infra (stack prod)`. */
  label: string;
  declarations: Map<string, Declaration>;
}

export async function readDeclaredPlan(opts: { expect?: string; cwd?: string; stack?: string }): Promise<DeclaredPlan | undefined> {
  if (opts.expect !== undefined && (opts.cwd !== undefined || opts.stack !== undefined)) {
    throw new UsageError("give the declaration either as --expect PLAN.json or as --cwd DIR --stack NAME, not both.");
  }
  if (opts.expect !== undefined) return fromPlanFile(opts.expect);
  if (opts.cwd !== undefined || opts.stack !== undefined) return fromProgram(opts.cwd ?? ".", opts.stack ?? "dev");
  return undefined;
}

function fromPlanFile(file: string): DeclaredPlan {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`--expect ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  return declaredPlanOf(readPlanResources(text, file), file);
}

/** The declaration in the `resources` of a plan file already read (`maildomain check --expect` reads it once). */
export function declaredPlanOf(resources: readonly unknown[], file: string): DeclaredPlan {
  const inputs = resources.map((r) => (r !== null && typeof r === "object" ? (r as { inputs?: unknown }).inputs : undefined));
  const declarations = readDeclarations(recordSetsOf(resources), policyTextsIn(inputs));
  if (declarations.size === 0) throw new UsageError(`--expect ${file} declares no mail domain (no MX, SPF or _dmarc record): give the output of \`maildomain plan --json\` for the program that declares your domains.`);
  return { label: file, declarations };
}

async function fromProgram(cwd: string, stack: string): Promise<DeclaredPlan> {
  // The planner's modules load the Pulumi SDK: only when a program is to be planned.
  const { readProject, readStackConfig } = await import("../../plan/project");
  const { runProgram } = await import("../../plan/run-program");
  const { plannedDnsRecords } = await import("../../plan/dns-records");
  const project = readProject(path.resolve(cwd));
  const run = await runProgram(project, stack, readStackConfig(project, stack));
  if (run.failure) throw new UsageError(`the program in ${cwd} (stack ${stack}) failed, so there is no declaration to compare with: ${run.failure.userError ? run.failure.message : (run.failure.stack ?? run.failure.message)}`);
  const sets = new Map<string, DeclaredRecordSet>();
  for (const r of plannedDnsRecords(run.engine)) {
    const key = `${r.type} ${r.name}`;
    const set = sets.get(key) ?? { name: r.name, type: r.type, values: [] };
    for (const v of r.values) if (!set.values.includes(v)) set.values.push(v);
    sets.set(key, set);
  }
  const declarations = readDeclarations([...sets.values()], policyTextsIn(run.engine.resources.map((r) => r.inputs)));
  if (declarations.size === 0) throw new UsageError(`the program in ${cwd} (stack ${stack}) declares no mail domain (no MX, SPF or _dmarc record).`);
  return { label: `the program in ${cwd} (stack ${stack})`, declarations };
}
