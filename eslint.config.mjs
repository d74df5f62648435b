import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "**/node_modules/", "bin/", "coverage/", "**/*.js", "!eslint.config.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-control-regex": "off",
    },
  },
  {
    // The pure core must stay pure: no Pulumi SDK and no I/O modules.
    files: ["components/records/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          { group: ["@pulumi/*"], message: "components/records is the pure core: no Pulumi import." },
          { group: ["fs", "node:fs", "net", "node:net", "dns", "node:dns", "http", "node:http", "https", "node:https", "dgram", "node:dgram", "child_process", "node:child_process"], message: "components/records is the pure core: no I/O." },
        ],
      }],
    },
  },
  {
    // The report core is pure too: models, parsers, dedup keys and the summary; no Pulumi and no I/O.
    files: ["reports/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          { group: ["@pulumi/*"], message: "reports/ is the pure report core: no Pulumi import." },
          { group: ["fs", "node:fs", "fs/*", "node:fs/*", "net", "node:net", "tls", "node:tls", "dns", "node:dns", "http", "node:http", "https", "node:https", "dgram", "node:dgram", "child_process", "node:child_process", "zlib", "node:zlib", "better-sqlite3", "pg", "imapflow", "mailparser", "yauzl"], message: "reports/ is the pure report core: no I/O (sources and stores live in cli/reports/)." },
        ],
      }],
    },
  },
);
