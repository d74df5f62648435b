/**
 * The `--policy-config` file, checked the way a typo at 2 a.m. deserves. The Pulumi engine ignores
 * a policy name it does not know and the properties a schema does not list, so
 * `"spf-no-pas-all": "advisory"` silently changes nothing; `maildomain plan` makes both a usage
 * error that names the nearest known name.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { closestName } from "../../components/records/similar";
import type { PolicyConfigFile } from "../../policies/harness";
import { UsageError } from "../io";

interface PolicyLike {
  name: string;
  configSchema?: PolicyConfigSchema;
}

/** The known name closest to `name`, when it is close enough to be a typo of it (the core's "did you mean"). */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  return closestName(name.slice(0, 64), known, { ignoreCase: true, limit: (n) => Math.max(2, Math.floor(n.length / 4)) });
}

/** Throws a `UsageError` listing every unknown policy name and property of `file`. */
export function checkPolicyConfigNames(file: PolicyConfigFile, policies: readonly PolicyLike[], fileName: string): void {
  const problems: string[] = [];
  const names = policies.map((p) => p.name);
  for (const [name, entry] of Object.entries(file)) {
    if (name === "all") continue;
    const policy = policies.find((p) => p.name === name);
    if (!policy) {
      const near = nearestName(name, names);
      problems.push(`"${name}" is no policy of this pack: ${near ? `did you mean "${near}"?` : `the policies are ${names.join(", ")}.`}`);
      continue;
    }
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) continue;
    const known = ["enforcementLevel", ...Object.keys(policy.configSchema?.properties ?? {})];
    for (const key of Object.keys(entry)) {
      if (known.includes(key)) continue;
      const near = nearestName(key, known);
      problems.push(`${name}: "${key}" is no setting of this policy: ${near ? `did you mean "${near}"?` : `its settings are ${known.join(", ")}.`}`);
    }
  }
  if (problems.length === 1) throw new UsageError(`policy config ${fileName}: ${problems[0]}`);
  if (problems.length > 1) throw new UsageError(`policy config ${fileName} has ${problems.length} unknown names:\n  ${problems.join("\n  ")}`);
}
