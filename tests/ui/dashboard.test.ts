// The dashboard in a real browser (Debian's chromium through playwright-core):
// every panel shows real data from a running keel, charts are drawn, a promote
// click with the token moves the alias, no console errors; the page fits a
// phone's width, opened there or narrowed to it, and before the first drift
// check the drift panel is one line; the same for the standalone drift report
// opened from disk, offline, at a desktop's width and at a phone's. Screenshots
// go to test-output/.

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
import { chartsOutsideTheirCard, type Layout, measureReport, settledLayout } from "./layout.ts";

// The callbacks below run in the browser; these names exist there, not in Bun's types.
declare const document: {
  querySelector(s: string): { textContent: string | null } | null;
  querySelectorAll(s: string): { length: number };
};
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

const openPage = (width?: number, height?: number) => openBrowserPage(browser, width, height);
const CHARTS = ["traffic-chart", "drift-scores", "drift-share", "drift-distribution"];

async function waitForEveryChart(page: Page) {
  for (const chart of CHARTS) await page.waitForSelector(`#${chart} canvas`);
  await page.waitForFunction(() => document.querySelectorAll("#versions-table tr").length === 3);
}

/** At 390 px: no sideways scroll, every chart inside its card, the wide versions table scrolling in its box. */
function expectPhoneLayout(layout: Layout) {
  expect(layout.viewportWidth).toBe(390);
  expect(layout.pageWidth).toBeLessThanOrEqual(layout.viewportWidth);
  expect(layout.charts.map((c) => c.chart).sort()).toEqual([...CHARTS].sort());
  expect(chartsOutsideTheirCard(layout)).toEqual([]);
  expect(layout.versions.tableWidth).toBeGreaterThan(layout.versions.boxWidth);
  expect(layout.versions.scrolledBy).toBeGreaterThan(0);
  expect(layout.versions.boxInsideCard).toBe(true);
}

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

  test("narrowed from 1280 to 390 px, charts shrink into their cards and the versions table scrolls in its own; back at 1280 they grow again", async () => {
    const { page, errors } = await openPage(1280, 800);
    await page.goto(keel.url);
    await waitForEveryChart(page);
    const wide = await settledLayout(page);
    expect(wide.charts.map((c) => c.chart).sort()).toEqual([...CHARTS].sort());
    const traffic = wide.charts.find((c) => c.chart === "traffic-chart")!;
    expect(traffic.canvas.width).toBeGreaterThan(500);

    // A window dragged narrower, or a tablet turned: the same page, a new width.
    await page.setViewportSize({ width: 390, height: 800 });
    const narrow = await settledLayout(page);
    expectPhoneLayout(narrow);
    await page.screenshot({ path: join(OUTPUT, "dashboard-narrowed.png"), fullPage: true });

    await page.setViewportSize({ width: 1280, height: 800 });
    const widthAt1280 = (l: Layout, chart: string) =>
      l.charts.find((c) => c.chart === chart)?.canvas.width ?? 0;
    const again = await settledLayout(page, (l) =>
      wide.charts.every((c) => Math.abs(widthAt1280(l, c.chart) - c.canvas.width) <= 2),
    );
    for (const c of wide.charts)
      expect({ chart: c.chart, width: widthAt1280(again, c.chart) }).toEqual({
        chart: c.chart,
        width: c.canvas.width,
      });

    // The charts follow their boxes, not only the window: narrower cards, same window.
    await page.addStyleTag({ content: "main { max-width: 700px; }" });
    const boxed = await settledLayout(page);
    expect(chartsOutsideTheirCard(boxed)).toEqual([]);
    expect(boxed.charts.find((c) => c.chart === "traffic-chart")!.canvas.width).toBeLessThan(700);
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);

  test("opened at phone width, nothing scrolls sideways but the versions table, in its card", async () => {
    const { page, errors } = await openPage(390, 800);
    await page.goto(keel.url);
    await waitForEveryChart(page);
    expectPhoneLayout(await settledLayout(page));
    await page.screenshot({ path: join(OUTPUT, "dashboard-phone.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);
});

describe("dashboard before the first drift check", () => {
  let fresh: TestKeel;
  beforeAll(async () => {
    fresh = await startTestKeel({ KEEL_DRIFT_MIN_ROWS: "60" });
    await waitReady(fresh);
  }, 60_000);
  afterAll(() => fresh?.stop());

  test("the drift panel says in one line what a first check needs, and keeps no room for charts", async () => {
    const { page, errors } = await openPage(1280, 800);
    await page.goto(fresh.url);
    await page.waitForSelector("#traffic-chart canvas");
    await page.waitForFunction(
      () => document.querySelector("#drift-summary")?.textContent?.includes("KEEL_DRIFT_MIN_ROWS"),
      undefined,
      { timeout: 10_000 },
    );
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      const { drift, pageWidth, viewportWidth } = await settledLayout(page);
      expect(drift.summary).toContain("60 live predictions");
      expect(drift.summary).toContain("POST /drift/check");
      expect(drift.canvases).toBe(0);
      // Its title and the line, wrapped at 390 px: the empty panel used to be ~700 px of blank charts.
      const short = drift.height <= (width === 390 ? 150 : 100);
      expect({ width, height: drift.height, short }).toMatchObject({
        width,
        short: true,
      });
      expect(pageWidth).toBeLessThanOrEqual(viewportWidth);
    }
    await page.screenshot({ path: join(OUTPUT, "dashboard-no-drift-check.png"), fullPage: true });
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

  // Narrowed to a phone: the charts follow, the table scrolls in its own box.
  const wide = await measureReport(page);
  await page.setViewportSize({ width: 390, height: 800 });
  let narrow = await measureReport(page);
  for (let i = 0; i < 50 && (narrow.pageWidth > 390 || narrow.chartsOutside > 0); i++) {
    await Bun.sleep(100);
    narrow = await measureReport(page);
  }
  expect(narrow.pageWidth).toBeLessThanOrEqual(narrow.viewportWidth);
  expect(narrow.chartsOutside).toBe(0);
  expect(narrow.chartWidths.length).toBe(wide.chartWidths.length);
  expect(narrow.table.tableWidth).toBeGreaterThan(narrow.table.boxWidth);
  expect(narrow.table.scrolledBy).toBeGreaterThan(0);
  await page.screenshot({ path: join(OUTPUT, "drift-report-phone.png"), fullPage: true });
  expect(outside).toEqual([]);
  expect(errors).toEqual([]);
  await page.close();
}, 30_000);
