// The dashboard's layout measured inside the page: whether the page scrolls
// sideways, where every chart's canvas sits against its card, how the versions
// table fits its card, and how tall the drift panel is.

import type { Page } from "playwright-core";

export interface ChartPlacement {
  chart: string;
  /** The canvas's left and right edges against its card's (px, from the viewport's left). */
  canvas: { left: number; right: number; width: number };
  card: { left: number; right: number };
}

export interface Layout {
  viewportWidth: number;
  /** document.documentElement.scrollWidth: more than the viewport means sideways scrolling. */
  pageWidth: number;
  charts: ChartPlacement[];
  versions: {
    /** The table's own width and the width of the box it scrolls in. */
    tableWidth: number;
    boxWidth: number;
    /** How far the box scrolled when asked to scroll to its end (0: it cannot scroll). */
    scrolledBy: number;
    boxInsideCard: boolean;
  };
  drift: { height: number; summary: string; canvases: number };
}

// What the callback below uses of the browser's DOM (Bun's types have no DOM).
interface BrowserRect {
  left: number;
  right: number;
  width: number;
  height: number;
}
interface BrowserElement {
  id: string;
  scrollWidth: number;
  clientWidth: number;
  scrollLeft: number;
  textContent: string | null;
  getBoundingClientRect(): BrowserRect;
  closest(selector: string): BrowserElement | null;
  querySelector(selector: string): BrowserElement | null;
  querySelectorAll(selector: string): Iterable<BrowserElement>;
}
interface BrowserGlobals {
  innerWidth: number;
  document: BrowserElement & { documentElement: BrowserElement };
}

export function measureLayout(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as BrowserGlobals;
    const edges = (rect: BrowserRect) => ({ left: rect.left, right: rect.right });
    const charts = [...document.querySelectorAll(".chart canvas")].map((canvas) => {
      const rect = canvas.getBoundingClientRect();
      return {
        chart: canvas.closest(".chart")!.id,
        canvas: { ...edges(rect), width: rect.width },
        card: edges(canvas.closest(".card")!.getBoundingClientRect()),
      };
    });
    const box = document.querySelector("#versions .scroll")!;
    const table = box.querySelector("table")!;
    const card = box.closest(".card")!.getBoundingClientRect();
    const boxRect = box.getBoundingClientRect();
    const before = box.scrollLeft;
    box.scrollLeft = box.scrollWidth;
    const scrolledBy = box.scrollLeft - before;
    box.scrollLeft = before;
    const drift = document.querySelector("#drift")!;
    return {
      viewportWidth: innerWidth,
      pageWidth: document.documentElement.scrollWidth,
      charts,
      versions: {
        tableWidth: table.getBoundingClientRect().width,
        boxWidth: box.clientWidth,
        scrolledBy,
        boxInsideCard: boxRect.left >= card.left && boxRect.right <= card.right,
      },
      drift: {
        height: drift.getBoundingClientRect().height,
        summary: document.querySelector("#drift-summary")?.textContent ?? "",
        canvases: [...drift.querySelectorAll("canvas")].length,
      },
    };
  });
}

/** The charts whose canvas reaches outside its card (half a pixel of rounding allowed). */
export function chartsOutsideTheirCard(layout: Layout): ChartPlacement[] {
  return layout.charts.filter(
    (c) => c.canvas.left < c.card.left - 0.5 || c.canvas.right > c.card.right + 0.5,
  );
}

/**
 * Waits (up to `timeoutMs`) until the page does not scroll sideways, every
 * chart fits its card and `grown` holds (charts are redrawn a moment after
 * their box changes size); then measures, so a test asserts on the layout
 * whether or not it settled.
 */
export async function settledLayout(
  page: Page,
  grown: (layout: Layout) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<Layout> {
  const deadline = Date.now() + timeoutMs;
  let layout = await measureLayout(page);
  const settled = (l: Layout) =>
    l.pageWidth <= l.viewportWidth && chartsOutsideTheirCard(l).length === 0 && grown(l);
  while (Date.now() < deadline && !settled(layout)) {
    await Bun.sleep(100);
    layout = await measureLayout(page);
  }
  return layout;
}

export interface ReportLayout {
  viewportWidth: number;
  pageWidth: number;
  /** Charts whose canvas reaches outside the report's chart column. */
  chartsOutside: number;
  chartWidths: number[];
  table: { tableWidth: number; boxWidth: number; scrolledBy: number };
}

/** The standalone drift report's layout: sideways scroll, its charts against their column, its table's box. */
export function measureReport(page: Page): Promise<ReportLayout> {
  return page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as BrowserGlobals;
    const column = document.querySelector("#charts")!.getBoundingClientRect();
    const canvases = [...document.querySelectorAll("#charts canvas")].map((c) =>
      c.getBoundingClientRect(),
    );
    const box = document.querySelector(".scroll")!;
    const before = box.scrollLeft;
    box.scrollLeft = box.scrollWidth;
    const scrolledBy = box.scrollLeft - before;
    box.scrollLeft = before;
    return {
      viewportWidth: innerWidth,
      pageWidth: document.documentElement.scrollWidth,
      chartsOutside: canvases.filter(
        (r) => r.left < column.left - 0.5 || r.right > column.right + 0.5,
      ).length,
      chartWidths: canvases.map((r) => r.width),
      table: {
        tableWidth: box.querySelector("table")!.getBoundingClientRect().width,
        boxWidth: box.clientWidth,
        scrolledBy,
      },
    };
  });
}
