// A text feature on the dashboard: its drift shows like any other feature's,
// with a second chart for its length, in a real browser (Debian's chromium).

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { startTestKeel, type TestKeel, waitReady } from "../http/harness.ts";
import { launchBrowser, openPage } from "./browser.ts";

declare const document: {
  querySelector(s: string): { textContent: string | null } | null;
  querySelectorAll(s: string): ArrayLike<{ textContent: string | null }>;
};

const OUTPUT = resolve(import.meta.dir, "../../test-output");
let keel: TestKeel;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  keel = await startTestKeel({
    KEEL_DATA_URL: resolve(import.meta.dir, "../../data/passwords.csv"),
    KEEL_DRIFT_MIN_ROWS: "50",
  });
  await waitReady(keel);
  const instances = Array.from({ length: 150 }, (_, i) => ({ Password: String(500000 + i * 37) }));
  await keel.post("/predict", { instances });
  await Bun.sleep(400);
  await keel.admin("POST", "/drift/check");
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await keel?.stop();
});

test("the drift panel lists the text feature and its length, and draws both", async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(keel.url);
  await page.waitForFunction(() =>
    document.querySelector("#drift-summary")?.textContent?.includes("1 of 1 features drifted"),
  );
  const options = await page.$$eval("#drift-feature option", (nodes) =>
    nodes.map((n) => n.textContent),
  );
  expect(options).toEqual(["Password", "Password (length)"]);
  await page.selectOption("#drift-feature", "Password (length)");
  await page.waitForSelector("#drift-distribution canvas");
  await page.screenshot({ path: join(OUTPUT, "dashboard-text-drift.png"), fullPage: true });
  expect(errors).toEqual([]);
  await page.close();
}, 30_000);
