/**
 * The imported YAML pasted into a stack config runs in the repo's real stack program (index.ts)
 * under the Pulumi mocks: every imported domain becomes a MailDomain, and it publishes exactly the
 * record sets the planner planned for the import.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { importZoneFile } from "../../cli/import/command";
import { runProgram, valueOf } from "../support/pulumi";

const FIXTURES = path.join(__dirname, "..", "fixtures", "zones");

test("the YAML of four imports, pasted into one stack config, runs in index.ts and publishes the planned records", async () => {
  const runs = [
    importZoneFile({ zonefile: path.join(FIXTURES, "cpanel/example.com.db") }),
    importZoneFile({ zonefile: path.join(FIXTURES, "vestacp/example.net.db") }),
    importZoneFile({ zonefile: path.join(FIXTURES, "bind/example.org.zone"), dns: "route53" }),
    importZoneFile({ zonefile: path.join(FIXTURES, "seed-article/abcdqwerty.example.zone") }),
  ];
  const domains = runs.flatMap((r) => (YAML.parse(r.output) as { config: Record<string, unknown[]> }).config["maildomain:domains"]);
  const planned = new Map(runs.flatMap((r) => r.result?.domains ?? []).map((d) => [d.args.domain, d.plan.sets.map((s) => `${s.type} ${s.name}`).sort()]));

  // The component logs the imported records' warnings (sp=none, ?all, a 1024-bit key) through
  // pulumi.log, which prints under mocks: the importer's tests already assert them.
  const quiet = (["warn", "info", "log", "error"] as const).map((m) => jest.spyOn(console, m).mockImplementation(() => undefined));
  const run = await runProgram(
    () => {
      pulumi.runtime.setAllConfig({ "maildomain:domains": JSON.stringify(domains) });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require("../../index") as { domains: Record<string, { records: pulumi.Output<{ name: string; type: string }[]> }> };
    },
    { project: "maildomain" },
  ).finally(() => quiet.forEach((q) => q.mockRestore()));
  expect(Object.keys(run.result.domains)).toEqual(["example.com", "example.net", "example.org", "bounce.example.org", "abcdqwerty.example"]);
  for (const [domain, out] of Object.entries(run.result.domains)) {
    const records = await valueOf(out.records);
    expect({ domain, records: [...new Set(records.map((r) => `${r.type} ${r.name}`))].sort() }).toEqual({ domain, records: planned.get(domain) });
  }
  expect(run.ofType("aws:route53/record:Record").every((r) => String(r.inputs.name).endsWith("example.org"))).toBe(true);
  expect(run.ofType("tls:index/privateKey:PrivateKey")).toEqual([]); // every DKIM key was imported, none generated
}, 60_000);
