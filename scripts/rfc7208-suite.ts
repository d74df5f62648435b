/**
 * The openspf RFC 7208 test suite, as both SPF conformance scripts read it. The suite is reference
 * data beside the project (`../shared/testdata/rfc7208`), never copied into it; a path given as the
 * first non-option argument overrides the default.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";

export interface TestCase {
  description?: string;
  spec?: string | number;
  helo?: string;
  host?: string;
  mailfrom?: string;
  result: string | string[];
}
export type ZoneEntry = string | Record<string, unknown>;
export interface Suite {
  description: string;
  tests: Record<string, TestCase>;
  zonedata: Record<string, ZoneEntry[]>;
}

export const args = process.argv.slice(2);
export const verbose = args.includes("--verbose");
export const suiteFile = path.resolve(args.find((a) => !a.startsWith("--")) ?? path.resolve(__dirname, "../../shared/testdata/rfc7208/rfc7208-tests.yml"));

/** Every scenario of the suite; exits 2 with a message when the file is not there. */
export function loadSuites(): Suite[] {
  if (!fs.existsSync(suiteFile)) {
    console.error(`test suite not found: ${suiteFile} (pass its path as the first argument)`);
    process.exit(2);
  }
  return parseAllDocuments(fs.readFileSync(suiteFile, "utf8")).map((d) => d.toJS() as Suite);
}
