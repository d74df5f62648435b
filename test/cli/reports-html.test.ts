/**
 * The one-file HTML report in a real browser: headless Chromium (Debian's, driven by playwright-core) opens the file
 * written by `maildomain reports --html` from disk, finds the verdicts and the charts, records no console error
 * and no request beyond the file itself, in light and dark mode and on a phone-sized screen, and saves a
 * screenshot in the test's output folder.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { main } from "../../cli/main";
import { writeScenarioReports } from "../support/advisor-scenarios";
import { chromiumAvailable, launchChromium, type Browser } from "../support/chromium";
import { captureIo } from "../support/io";

jest.setTimeout(120_000);

const available = chromiumAvailable();
let out: string;
let html: string;

beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-html-"));
  writeScenarioReports(path.join(out, "in"));
  html = path.join(out, "report.html");
  const io = captureIo();
  expect(await main(["reports", path.join(out, "in"), "--db", path.join(out, "s.sqlite"), "--no-rdns", "--html", html], io)).toBe(0);
});
afterAll(() => {
  if (process.env.MAILDOMAIN_KEEP_TEST_OUTPUT) process.stdout.write(`HTML report test output kept in ${out}\n`);
  else fs.rmSync(out, { recursive: true, force: true });
});

/** Open the file, recording console errors, page errors and every request that is not the file itself (refused). */
async function open(browser: Browser, file = html): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) requests.push(r.url());
  });
  await page.route("**/*", (route) => (route.request().url().startsWith("file:") ? route.continue() : route.abort()));
  await page.goto(`file://${file}`, { waitUntil: "load" });
  return { page, errors, requests };
}

(available ? describe : describe.skip)("in headless Chromium", () => {
  let light: Browser;
  beforeAll(async () => {
    light = await launchChromium({ colorScheme: "light", width: 1100, height: 900 });
  });
  afterAll(async () => {
    await light?.close();
  });

  test("the verdicts and a chart per domain are there, with no console error and no network request", async () => {
    const { page, errors, requests } = await open(light);
    const verdicts = page.locator("article.verdict");
    expect(await verdicts.count()).toBe(5);
    expect(await page.locator('article.verdict[data-domain="ready.example"] .badge').textContent()).toBe("ready for p=quarantine");
    expect(await page.locator('article.verdict[data-domain="marketing.example"] .badge').textContent()).toBe("not ready for p=quarantine");
    expect(await page.locator('article.verdict[data-domain="marketing.example"] ol.blockers li').first().textContent()).toMatch(/^Mailchimp — 600 failing messages/);
    const charts = page.locator("svg.daily");
    expect(await charts.count()).toBe(5);
    // 15 daily bars for ready.example, each with its passing part drawn and its figures in a tooltip
    const bars = page.locator("#chart-d-ready\\.example g.bar");
    expect(await bars.count()).toBe(15);
    expect(await bars.first().locator("title").textContent()).toMatch(/^2024-05-01: \d[\d,]* messages, \d[\d,]* passed DMARC, \d+ failed$/);
    const box = await page.locator("#chart-d-ready\\.example").boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    expect(box!.height).toBeGreaterThan(100);
    expect(await page.locator("#senders table").count()).toBe(5);
    expect(await page.locator("article.tls").count()).toBe(2);
    expect(await page.locator('article.tls[data-domain="tls.example"]').textContent()).toMatch(/certificate-expired.*mx2\.tls\.example/);
    const shot = path.join(out, "report.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.readFileSync(shot).subarray(1, 4).toString()).toBe("PNG");
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  test("the recorder sees what it must refuse: the same page with an image from the network is caught", async () => {
    const tampered = path.join(out, "tampered.html");
    fs.writeFileSync(tampered, fs.readFileSync(html, "utf8").replace("<main>", '<main><img src="http://127.0.0.1:9/logo.png" alt="">'));
    const { page, errors, requests } = await open(light, tampered);
    expect(errors.length + requests.length).toBeGreaterThan(0);
    await page.close();
  });

  test("dark mode follows prefers-color-scheme", async () => {
    const dark = await launchChromium({ colorScheme: "dark" });
    try {
      const colours = async (b: Browser) => {
        const { page, errors } = await open(b);
        // Evaluated in the page (a string: the test's TypeScript has no DOM types).
        const c = (await page.evaluate("[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]")) as string[];
        expect(errors).toEqual([]);
        await page.close();
        return c;
      };
      const [lightBg, lightFg] = await colours(light);
      const [darkBg, darkFg] = await colours(dark);
      const luminance = (rgb: string) => rgb.match(/\d+/g)!.slice(0, 3).map(Number).reduce((a, b) => a + b, 0);
      expect(luminance(lightBg)).toBeGreaterThan(luminance(lightFg));
      expect(luminance(darkBg)).toBeLessThan(luminance(darkFg));
      const { page } = await open(dark);
      await page.screenshot({ path: path.join(out, "report-dark.png") });
      await page.close();
    } finally {
      await dark.close();
    }
  });

  test("on a phone-sized screen the page does not scroll sideways: wide tables scroll inside their box", async () => {
    const phone = await launchChromium({ width: 375, height: 800 });
    try {
      const { page, errors } = await open(phone);
      const [scrollWidth, viewport] = (await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")) as number[];
      expect(scrollWidth).toBeLessThanOrEqual(viewport);
      const chart = await page.locator("svg.daily").first().boundingBox();
      expect(chart!.width).toBeLessThanOrEqual(375);
      expect(errors).toEqual([]);
      await page.screenshot({ path: path.join(out, "report-phone.png"), fullPage: true });
      await page.close();
    } finally {
      await phone.close();
    }
  });
});
