#!/usr/bin/env node
// The `maildomain` command: the compiled CLI in dist/ (`npm run build`; the package ships it built).
"use strict";
let cli;
try {
  cli = require("../dist/cli/main.js");
} catch (e) {
  if (e && e.code === "MODULE_NOT_FOUND" && String(e.message).includes("dist/cli/main")) {
    process.stderr.write("maildomain: the command is not built: run `npm run build` in " + require("node:path").resolve(__dirname, "..") + "\n");
    process.exit(2);
  }
  throw e;
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
