/** `maildomain --version` prints the package's version, from the sources and from the build alike. */
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../cli/main";
import { packageVersion } from "../../cli/version";
import { captureIo } from "../support/io";

const ROOT = path.resolve(__dirname, "../..");
const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

test.each([["--version"], ["-V"]])("%s prints the version and exits 0", async (flag) => {
  const io = captureIo();
  expect(await main([flag], io)).toBe(0);
  expect(io.stdoutText).toBe(`${version}\n`);
  expect(io.stderrText).toBe("");
});

test("the version is found from the build's folder (dist/cli) as from the sources' (cli)", () => {
  expect(packageVersion(path.join(ROOT, "cli"))).toBe(version);
  expect(packageVersion(path.join(ROOT, "dist", "cli"))).toBe(version);
});
