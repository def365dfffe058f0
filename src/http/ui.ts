// The dashboard: the page at `/`, its script and styles and uPlot (imported as
// text, so the single binary carries them and nothing loads from a CDN), the
// traffic history it charts, and the standalone drift report download.

import { Elysia } from "elysia";
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import type { DriftMonitor } from "../drift/monitor.ts";
import { notFound } from "../errors.ts";
import type { Traffic } from "../observability/traffic.ts";
import appJs from "../ui/app.js" with { type: "text" };
import { driftReportHtml } from "../ui/drift-report.ts";
import pageFile from "../ui/index.html" with { type: "text" };
import styleCss from "../ui/style.css" with { type: "text" };
import { reportView } from "./drift.ts";
import { CSS, JAVASCRIPT, staticAsset } from "./static-asset.ts";

// @types/bun types .html imports as HTML bundles; with `type: "text"` Bun gives the text.
const pageHtml = pageFile as unknown as string;
const tags = ["dashboard"];

export function uiRoutes(options: {
  modelName: string;
  serveAlias: string;
  traffic: Traffic;
  monitor: DriftMonitor;
  /** What the drift panel tells before the first check: the rows it needs, and the schedule if any. */
  drift: { minRows: number; cron: string | undefined };
}) {
  const page = pageHtml
    .replaceAll("{{MODEL}}", escapeHtml(options.modelName))
    .replaceAll("{{ALIAS}}", escapeHtml(options.serveAlias))
    .replaceAll("{{DRIFT_MIN_ROWS}}", String(options.drift.minRows))
    .replaceAll("{{DRIFT_CRON}}", escapeHtml(options.drift.cron ?? ""));
  return new Elysia({ name: "ui" })
    .get(
      "/",
      () => new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } }),
      {
        detail: { summary: "The dashboard", tags },
      },
    )
    .get("/ui/app.js", staticAsset(appJs, JAVASCRIPT), { detail: { hide: true } })
    .get("/ui/style.css", staticAsset(styleCss, CSS), { detail: { hide: true } })
    .get("/ui/uplot.js", staticAsset(uplotJs, JAVASCRIPT), {
      detail: { hide: true },
    })
    .get("/ui/uplot.css", staticAsset(uplotCss, CSS), { detail: { hide: true } })
    .get("/traffic", () => ({ slot_seconds: 10, points: options.traffic.history() }), {
      detail: {
        summary:
          "Prediction traffic over the last hour (requests/s, latency p50/p99 per 10 s), from keel's own counters",
        tags,
      },
    })
    .get(
      "/drift/report.html",
      async () => {
        const latest = await options.monitor.latest();
        if (!latest)
          throw notFound("NOT_FOUND", "No drift check has run yet: POST /drift/check first");
        const file = `drift-report-${options.modelName}-${latest.id}.html`;
        return new Response(driftReportHtml(reportView(latest)), {
          headers: {
            "content-type": "text/html; charset=utf-8",
            "content-disposition": `attachment; filename="${file}"`,
          },
        });
      },
      {
        detail: {
          summary: "The latest drift report as one standalone HTML file (data and scripts inlined)",
          tags: ["drift"],
        },
      },
    );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
