// Debian's chromium through playwright-core, launched the one way this machine
// allows, and pages that record every console error, uncaught exception and
// failed response so a test can assert there were none.

import { type Browser, chromium, type Page } from "playwright-core";

const CHROMIUM = process.env.KEEL_CHROMIUM ?? "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** A new page whose console errors, page errors and 4xx/5xx responses land in `errors`. */
export async function openPage(
  browser: Browser,
  width = 1280,
  height = 900,
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("response", (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  return { page, errors };
}
