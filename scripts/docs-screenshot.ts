/**
 * `npm run docs:screenshot`: the README's picture of the HTML report (docs/reports-html.png). The advisor's test
 * scenarios (test/support/advisor-scenarios.ts) are stored with `maildomain reports`, judged against the plan of
 * test/fixtures/programs/advisor with reverse DNS served by Knot, written with --html, and photographed by
 * headless Chromium: the two domains the README's walk-through shows, light mode, the top of the page.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../cli/main";
import { writeScenarioReports, scenarioZones } from "../test/support/advisor-scenarios";
import { launchChromium } from "../test/support/chromium";
import { startDnsServer } from "../test/support/dns";
import { captureIo } from "../test/support/io";

const ROOT = path.join(__dirname, "..");
const OUT = path.join(ROOT, "docs", "reports-html.png");

async function run(args: string[]): Promise<string> {
  const io = captureIo();
  const code = await main(args, io);
  if (code !== 0) throw new Error(`maildomain ${args[0]} exited ${code}: ${io.stderrText}`);
  return io.stdoutText;
}

async function shoot(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-docs-"));
  const dns = await startDnsServer(scenarioZones());
  try {
    writeScenarioReports(path.join(tmp, "in"));
    fs.writeFileSync(path.join(tmp, "plan.json"), await run(["plan", "--cwd", path.join(ROOT, "test", "fixtures", "programs", "advisor"), "--json"]));
    const html = path.join(tmp, "dmarc-report.html");
    // Relative names, as a user types them: the page shows them in its header.
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      await run(["reports", "in", "--db", "reports.sqlite", "--expect", "plan.json", "--server", dns.address, "--domain", "marketing.example", "--domain", "ready.example", "--html", "dmarc-report.html"]);
    } finally {
      process.chdir(cwd);
    }
    const browser = await launchChromium({ colorScheme: "light", width: 1000, height: 1700 });
    try {
      const page = await browser.context.newPage();
      await page.goto(`file://${html}`, { waitUntil: "load" });
      await page.screenshot({ path: OUT, clip: { x: 0, y: 0, width: 1000, height: 1700 } });
    } finally {
      await browser.close();
    }
    console.log(`docs:screenshot: wrote ${path.relative(ROOT, OUT)} (${Math.round(fs.statSync(OUT).size / 1024)} KB)`);
  } finally {
    await dns.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

shoot().catch((e) => {
  console.error(e);
  process.exit(1);
});
