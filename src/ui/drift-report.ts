// The standalone drift report (`GET /drift/report.html`): one HTML file with
// the report's data, uPlot and the drawing script inlined, so it opens from
// disk, offline, attached to a ticket.

import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

export function driftReportHtml(report: Record<string, unknown>): string {
  const model = report.model as { name?: string; version?: number } | undefined;
  const title = `Drift report · ${model?.name ?? "model"} v${model?.version ?? "?"} · ${String(report.created_at ?? "")}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${uplotCss}
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:16px;color:#1d2430}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e3e6eb}
.drifted{color:#c8372d;font-weight:600}.ok{color:#1f8f4e;font-weight:600}.feature{margin:18px 0}.chart{min-height:200px;overflow:hidden}
.scroll{overflow-x:auto}th,td{white-space:nowrap}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p id="verdict"></p>
<div class="scroll"><table id="features"></table></div>
<div id="charts"></div>
<script>${uplotJs}</script>
<script>
const report = ${scriptJson(report)};
const esc = (t) => String(t ?? "").replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
const fmt = (x) => typeof x === "number" ? Number(x.toPrecision(4)).toString() : "–";
document.getElementById("verdict").innerHTML = (report.dataset_drift ? '<span class="drifted">Dataset drift</span>' : '<span class="ok">No dataset drift</span>') +
  " — " + report.drifted_features.length + " of " + report.features.length + " features drifted (share " + fmt(report.drift_share) + ", threshold " + report.share_threshold + "); current window " + report.current_rows + " rows, reference " + report.reference_rows + " rows.";
const withLengths = report.features.flatMap((f) => f.length ? [f, { ...f.length, feature: f.feature + " (length)", type: "text length" }] : [f]);
const all = report.prediction ? [...withLengths, { ...report.prediction, feature: "prediction (" + report.prediction.feature + ")" }] : withLengths;
document.getElementById("features").innerHTML = "<tr><th>feature</th><th>type</th><th>method</th><th>statistic</th><th>p-value / distance</th><th>threshold</th><th>drifted</th></tr>" +
  all.map((f) => "<tr><td>" + esc(f.feature) + "</td><td>" + f.type + "</td><td>" + f.method + "</td><td>" + fmt(f.statistic) + "</td><td>" + fmt(f.p_value ?? f.distance) + "</td><td>" + fmt(Math.max(f.threshold, f.noise_floor ?? 0)) + "</td><td class='" + (f.drifted ? "drifted'>yes" : "ok'>no") + "</td></tr>").join("");
const holder = document.getElementById("charts");
const charts = [];
for (const f of all) {
  const d = f.distribution;
  if (!d) continue;
  const box = document.createElement("div");
  box.className = "feature";
  box.innerHTML = "<h3>" + esc(f.feature) + "</h3><div class='chart'></div>";
  holder.appendChild(box);
  const labels = d.kind === "numeric" ? d.edges.slice(0, -1).map((e, i) => fmt((e + d.edges[i + 1]) / 2)) : d.categories;
  const bars = (label, color, align) => ({ label, stroke: color, fill: color + "55", paths: uPlot.paths.bars({ size: [0.45, 60], align }) });
  const el = box.querySelector(".chart");
  charts.push(new uPlot({ width: el.clientWidth, height: 200, scales: { x: { time: false, range: [-0.6, labels.length - 0.4] } },
    axes: [{ values: (_, ticks) => ticks.map((t) => labels[t] ?? "") }, { label: "share" }],
    series: [{}, bars("reference", "#2f6fde", -1), bars("current", "#c8372d", 1)] },
    [labels.map((_, i) => i), d.reference, d.current], el));
}
// The charts follow the page's width (a window resized, a phone turned), redrawn once it has kept one size a moment.
let resizeTimer;
new ResizeObserver(() => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const u of charts) if (u.root.parentNode.clientWidth !== u.width) u.setSize({ width: u.root.parentNode.clientWidth, height: 200 });
  }, 120);
}).observe(holder);
</script></body></html>
`;
}
