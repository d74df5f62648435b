/**
 * The maildomain command in a process of its own, for tests that need one (two writers at once, a SIGKILL in
 * the middle of a run). Run as `node -r ts-node/register/transpile-only test/support/run-cli.ts ARGS…`.
 */
import { main } from "../../cli/main";

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
