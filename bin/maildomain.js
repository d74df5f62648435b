#!/usr/bin/env node
// The `maildomain` command. The sources are TypeScript; ts-node compiles them on the fly
// (transpile-only: type errors are caught by `npm test`, not at every run).
"use strict";
const path = require("node:path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
require("../cli/main")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
