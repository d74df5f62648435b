/**
 * The package's own version, for `maildomain --version`: read from the package.json above this
 * module, which is one folder up from the sources (`cli/`) and two from the build (`dist/cli/`).
 */
import * as fs from "node:fs";
import * as path from "node:path";

export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "maildomain" && pkg.version) return pkg.version;
    }
    if (path.dirname(dir) === dir) return "unknown";
  }
}
