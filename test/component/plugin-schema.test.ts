/**
 * components/ is a source-based Pulumi plugin: the SDK's component analyzer must accept the
 * MailDomain class and its args (interfaces, enums, no string unions) and produce a schema that
 * Python, Go, C# and YAML programs get through `pulumi package add`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { MailDomain } from "../../components";

const componentsDir = path.join(__dirname, "..", "..", "components");

interface Schema {
  name: string;
  resources: Record<string, { isComponent?: boolean; inputProperties: Record<string, unknown>; requiredInputs?: string[]; properties: Record<string, unknown> }>;
  types: Record<string, { type: string; enum?: { name: string; value: string }[]; properties?: Record<string, unknown> }>;
}

let schema: Schema;
beforeAll(async () => {
  const provider = new ComponentProvider({ components: [MailDomain], name: "maildomain", dirname: componentsDir });
  schema = JSON.parse(await provider.getSchema());
}, 30_000);

test("the plugin folder declares a nodejs source plugin named maildomain", () => {
  expect(fs.readFileSync(path.join(componentsDir, "PulumiPlugin.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
  expect(JSON.parse(fs.readFileSync(path.join(componentsDir, "package.json"), "utf8")).name).toBe("maildomain");
  expect(schema.name).toBe("maildomain");
});

test("the schema has the MailDomain component with its inputs", () => {
  const md = schema.resources["maildomain:index:MailDomain"];
  expect(md.isComponent).toBe(true);
  expect(md.requiredInputs).toEqual(["domain"]);
  expect(Object.keys(md.inputProperties).sort()).toEqual(
    ["amazonSes", "bimi", "cloudflare", "dkim", "dmarc", "domain", "extraTxt", "fastmail", "googleWorkspace", "mailgun", "microsoft365", "mtaSts", "mx", "nullMx", "parked", "protonMail", "route53", "spf", "tlsRpt", "ttl", "zohoMail"].sort(),
  );
  expect(md.inputProperties.dkim).toMatchObject({ type: "array", items: { $ref: "#/types/maildomain:index:DkimArgs" } });
});

test("the schema has the outputs", () => {
  const md = schema.resources["maildomain:index:MailDomain"];
  expect(Object.keys(md.properties).sort()).toEqual(["dkim", "dkimPrivateKeys", "dmarcRecord", "mtaStsPolicy", "mtaStsPolicyUrl", "records", "signingConfigs", "spfRecord", "zoneId"]);
  expect(md.properties.records).toMatchObject({ type: "array", items: { $ref: "#/types/maildomain:index:MailRecord" } });
  expect(md.properties.dkimPrivateKeys).toMatchObject({ type: "object", additionalProperties: { type: "string" } });
});

test("mtaSts carries the hosting arguments into the schema", () => {
  const md = schema.resources["maildomain:index:MailDomain"];
  expect(md.inputProperties.mtaSts).toMatchObject({ $ref: "#/types/maildomain:index:MailDomainMtaStsArgs" });
  const sts = schema.types["maildomain:index:MailDomainMtaStsArgs"].properties ?? {};
  expect(Object.keys(sts).sort()).toEqual(["hosting", "maxAge", "mode", "mx"]);
  expect(Object.keys(schema.types["maildomain:index:MtaStsHostingArgs"].properties ?? {}).sort()).toEqual(["aws", "cloudflare", "external"]);
  expect(Object.keys(schema.types["maildomain:index:CloudflareMtaStsHostingArgs"].properties ?? {}).sort()).toEqual(["accountId", "scriptName"]);
});

test("the contract's enums are schema enums with their values", () => {
  const values = (name: string) => schema.types[`maildomain:index:${name}`].enum?.map((e) => `${e.name}=${e.value}`);
  expect(values("SpfAll")).toEqual(["Fail=-all", "SoftFail=~all", "Neutral=?all", "Pass=+all"]);
  expect(values("DmarcPolicy")).toEqual(["None=none", "Quarantine=quarantine", "Reject=reject"]);
  expect(values("Alignment")).toEqual(["Relaxed=r", "Strict=s"]);
  expect(values("DkimAlgorithm")).toEqual(["Rsa2048=rsa2048", "Rsa4096=rsa4096", "Ed25519=ed25519"]);
  expect(values("MtaStsMode")).toEqual(["Enforce=enforce", "Testing=testing", "None=none"]);
  expect(schema.types["maildomain:index:SpfArgs"].properties?.all).toEqual(expect.objectContaining({ $ref: "#/types/maildomain:index:SpfAll" }));
});
