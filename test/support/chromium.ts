/**
 * Headless Chromium for the browser tests and the README's screenshot: Debian's `chromium` driven by
 * playwright-core (its own browser download does not work here), with the flags it needs to run as root in a
 * container and a fresh profile per launch, removed on close.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BrowserContext } from "playwright-core";

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export function findChromium(): string | undefined {
  const candidates = [process.env.MAILDOMAIN_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter((c): c is string => !!c);
  return candidates.find((c) => {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** True when Chromium can be driven here; in CI its absence throws instead (a missing browser fails, never skips). */
export function chromiumAvailable(): boolean {
  const ok = findChromium() !== undefined;
  if (!ok && process.env.CI === "true") throw new Error("chromium not found (/usr/bin/chromium, or MAILDOMAIN_CHROMIUM), and CI=true forbids skipping: run .ci/install-system-deps");
  return ok;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(opts: { colorScheme?: "light" | "dark"; width?: number; height?: number } = {}): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("chromium not found: run .ci/install-system-deps");
  const { chromium } = await import("playwright-core");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: opts.width ?? 1100, height: opts.height ?? 900 },
    colorScheme: opts.colorScheme ?? "light",
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
