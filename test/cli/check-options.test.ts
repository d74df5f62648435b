/**
 * `maildomain check`'s options: the numeric ones are bounded to their documented ranges (a usage error, exit 2,
 * never a RangeError stack trace or a run that spins), on the command line and for programmatic callers of
 * `runCheck`.
 */
import { main } from "../../cli/main";
import { runCheck, type CheckOptions } from "../../cli/check/command";
import { CHECK_OPTION_RANGES } from "../../cli/check/limits";
import { startFaultServer } from "../support/dns";
import { captureIo } from "./check-support";

describe("numeric options outside their range are usage errors (exit 2, no stack trace)", () => {
  test.each([
    [["--timeout", "2147483648"], /argument '2147483648' is invalid. --timeout must be a whole number from 1 to 60000 \(milliseconds per DNS attempt\)/],
    [["--timeout", "0"], /--timeout must be a whole number from 1 to 60000/],
    [["--timeout", "1e3"], /--timeout must be a whole number from 1 to 60000/],
    [["--timeout", "-5"], /--timeout must be a whole number from 1 to 60000/],
    [["--retries", "11"], /--retries must be a whole number from 0 to 10/],
    [["--retries", "1.5"], /--retries must be a whole number from 0 to 10/],
    [["--concurrency", "60000"], /--concurrency must be a whole number from 1 to 1024 \(DNS questions in flight\)/],
    [["--concurrency", "0x10"], /--concurrency must be a whole number from 1 to 1024/],
  ])("%j", async (args, message) => {
    const io = captureIo();
    expect(await main(["check", "example.com", ...(args as string[])], io)).toBe(2);
    expect(io.stderrText).toMatch(message as RegExp);
    expect(io.stderrText).not.toMatch(/RangeError|\n\s+at /);
    expect(io.stdoutText).toBe("");
  });

  test("the help names each range", async () => {
    const io = captureIo();
    await main(["check", "--help"], io);
    expect(io.stdoutText).toMatch(/--timeout <ms>\s+per-query timeout in milliseconds \(1–60000\)/);
    expect(io.stdoutText).toMatch(/--retries <n>\s+retries per query after a timeout \(0–10\)/);
    expect(io.stdoutText).toMatch(/--concurrency <n>\s+DNS queries in flight at once \(1–1024\)/);
  });

  test("runCheck refuses the same values from a program, all problems at once", async () => {
    const opts: CheckOptions = { domains: ["example.com"], selector: [], json: true, timeout: 2147483648, retries: -1, concurrency: 60000 };
    await expect(runCheck(opts, captureIo())).rejects.toMatchObject({
      name: "UsageError",
      message: expect.stringMatching(/--timeout must be.*\n.*--retries must be.*\n.*--concurrency must be/s),
    });
  });
});

test("the largest values are accepted, and a server that never answers still ends within the budget", async () => {
  const silent = await startFaultServer({ mode: "drop" });
  try {
    const io = captureIo();
    const started = process.hrtime.bigint();
    const code = await main(["check", "example.com", "example.org", "--server", silent.address, "--concurrency", String(CHECK_OPTION_RANGES.concurrency.max), "--timeout", "200", "--retries", "0", "--json"], io);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(code).toBe(2);
    expect(JSON.parse(io.stdoutText).results).toHaveLength(2);
    // A dead server is detected after a few silent questions: the run takes about one timeout, not one per question.
    expect(ms).toBeLessThan(3000);
  } finally {
    await silent.stop();
  }
});
