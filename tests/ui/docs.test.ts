// /docs in a real browser (Debian's chromium) with every request that does not
// go to keel aborted: Swagger UI still renders keel's operations, and the page
// never even tried to reach another host.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { startTestKeel, type TestKeel, waitReady } from "../http/harness.ts";
import { launchBrowser, openPage } from "./browser.ts";

const OUTPUT = resolve(import.meta.dir, "../../test-output");
let keel: TestKeel;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  keel = await startTestKeel();
  await waitReady(keel);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await keel?.stop();
});

test("Swagger UI renders keel's operations with the outside network cut off", async () => {
  const { page, errors } = await openPage(browser);
  const origin = new URL(keel.url).origin;
  const blocked: string[] = [];
  await page.route("**", (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    blocked.push(url);
    return route.abort("internetdisconnected");
  });
  await page.goto(`${keel.url}/docs`);
  const predict = page.locator(".opblock-post", { hasText: "/predict" }).first();
  await predict.waitFor({ timeout: 15_000 });
  expect(await predict.textContent()).toContain("Predict");
  expect(await page.locator(".opblock").count()).toBeGreaterThan(20);
  await page.screenshot({ path: join(OUTPUT, "docs.png") });
  expect(blocked).toEqual([]);
  expect(errors).toEqual([]);
  await page.close();
}, 30_000);
