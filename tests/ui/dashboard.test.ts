// The dashboard in a real browser (Debian's chromium through playwright-core):
// every panel shows real data from a running keel, charts are drawn, a promote
// click with the token moves the alias, no console errors; the same for the
// standalone drift report opened from disk. Screenshots go to test-output/.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import {
  ADMIN_TOKEN,
  startTestKeel,
  type TestKeel,
  waitForRun,
  waitReady,
} from "../http/harness.ts";
import { drifted, replay, sample, weatherRows } from "../http/weather-traffic.ts";
import { launchBrowser, openPage as openBrowserPage } from "./browser.ts";

// The callbacks below run in the browser; these names exist there, not in Bun's types.
declare const document: {
  querySelector(s: string): { textContent: string | null } | null;
  querySelectorAll(s: string): { length: number };
  documentElement: { scrollWidth: number };
};
declare const window: { innerWidth: number };
declare const sessionStorage: { getItem(key: string): string | null };
interface BrowserCanvas {
  width: number;
  height: number;
  getContext(kind: "2d"): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  } | null;
}

const OUTPUT = resolve(import.meta.dir, "../../test-output");

let keel: TestKeel;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  keel = await startTestKeel({ KEEL_DRIFT_MIN_ROWS: "50", KEEL_PROMOTE_TOLERANCE: "1" });
  await waitReady(keel);
  const { run_id } = await (await keel.admin("POST", "/trigger")).json();
  await waitForRun(keel, run_id);
  const rows = weatherRows();
  for (const { id, prediction } of await replay(keel, sample(rows, 120, 1))) {
    await keel.post("/feedback", { prediction_id: id, label: prediction });
  }
  await keel.admin("POST", "/drift/check");
  await replay(keel, drifted(sample(rows, 120, 2)));
  await keel.admin("POST", "/drift/check");
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await keel?.stop();
});

const openPage = (width?: number) => openBrowserPage(browser, width);

/** True when the canvas under `selector` has at least one non-transparent pixel. */
const drawn = (page: Page, selector: string) =>
  page.$eval(selector, (canvas) => {
    const c = canvas as unknown as BrowserCanvas;
    const pixels = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
    return false;
  });

describe("dashboard", () => {
  test("every panel shows the running service's data, charts drawn, no console errors", async () => {
    const { page, errors } = await openPage();
    await page.goto(keel.url);
    await page.waitForFunction(() =>
      document.querySelector("#serving-facts")?.textContent?.includes("version 2"),
    );
    expect(await page.textContent("#status")).toContain("ready · v2");
    expect(await page.textContent("#serving-facts")).toContain("logistic_regression");
    expect(await page.textContent("#serving-facts")).toContain("1461 rows");
    await page.waitForFunction(() => document.querySelectorAll("#versions-table tr").length === 3);
    await page.waitForFunction(() => document.querySelectorAll("#runs-list details").length >= 2);
    expect(await page.textContent("#runs-list")).toContain("bootstrap");
    await page.waitForFunction(() =>
      document.querySelector("#drift-summary")?.textContent?.includes("features drifted"),
    );
    expect(await page.textContent("#drift-summary")).toContain("Dataset drift");
    for (const chart of [
      "#traffic-chart",
      "#drift-scores",
      "#drift-share",
      "#drift-distribution",
    ]) {
      await page.waitForSelector(`${chart} canvas`);
      expect(await drawn(page, `${chart} canvas`)).toBe(true);
    }
    await page.click("#runs-list details summary");
    await page.waitForFunction(() =>
      document.querySelector("#runs-list details[open] .run-body")?.textContent?.includes("Params"),
    );
    await page.screenshot({ path: join(OUTPUT, "dashboard.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);

  test("a promote click asks for the token once and moves the alias", async () => {
    const { page, errors } = await openPage();
    await page.goto(keel.url);
    await page.waitForSelector('button[data-promote="1"]');
    await page.click('button[data-promote="1"]');
    await page.waitForSelector("#token-dialog[open]");
    await page.fill("#token-input", ADMIN_TOKEN);
    await page.click("#token-ok");
    const moved = async () =>
      (await (await keel.get("/models/weather/aliases/prod")).json()).version;
    for (let i = 0; i < 50 && (await moved()) !== 1; i++) await Bun.sleep(100);
    expect(await moved()).toBe(1);
    const alias = await (await keel.get("/models/weather/aliases/prod")).json();
    expect(alias.history[0]).toMatchObject({ from_version: 2, to_version: 1, reason: "dashboard" });
    expect(await page.evaluate(() => sessionStorage.getItem("keel.adminToken"))).toBe(ADMIN_TOKEN);
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);

  test("reads at phone width", async () => {
    const { page, errors } = await openPage(390);
    await page.goto(keel.url);
    await page.waitForSelector("#drift-scores canvas");
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: join(OUTPUT, "dashboard-phone.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);
});

test("the drift report opens from disk with its charts, offline", async () => {
  const response = await keel.get("/drift/report.html");
  expect(response.headers.get("content-disposition")).toContain("attachment");
  const file = join(OUTPUT, "drift-report.html");
  writeFileSync(file, await response.text());
  const { page, errors } = await openPage();
  const outside: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith("file:")) outside.push(request.url());
  });
  await page.goto(`file://${file}`);
  await page.waitForSelector("#charts canvas");
  expect(await page.textContent("#verdict")).toContain("Dataset drift");
  expect(await page.$$eval("#features tr", (rows) => rows.length)).toBe(6);
  expect(await drawn(page, "#charts canvas")).toBe(true);
  await page.screenshot({ path: join(OUTPUT, "drift-report.png"), fullPage: true });
  expect(outside).toEqual([]);
  expect(errors).toEqual([]);
  await page.close();
}, 30_000);
