// keel's dashboard: polls keel's own JSON routes every few seconds and updates
// the page in place (charts get new data, tables are redrawn only when they
// changed), so nothing flickers. Admin actions ask for the token once and keep
// it in this tab's sessionStorage only.

const MODEL = document.body.dataset.model;
const ALIAS = document.body.dataset.alias;
const DRIFT_MIN_ROWS = document.body.dataset.driftMinRows;
const DRIFT_CRON = document.body.dataset.driftCron;
const REFRESH_MS = 5000;
const TOKEN_KEY = "keel.adminToken";
const PALETTE = [
  "#2f6fde",
  "#c8372d",
  "#1f8f4e",
  "#b7791f",
  "#7b3fb8",
  "#0f8a8a",
  "#d1497b",
  "#5b6b7f",
];
const charts = {};
const rendered = {};

const $ = (id) => document.getElementById(id);
const esc = (text) => String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (x, digits = 4) =>
  typeof x === "number"
    ? Math.abs(x) >= 1000
      ? x.toFixed(0)
      : Number(x.toPrecision(digits)).toString()
    : "–";
const ago = (iso) => {
  if (!iso) return "–";
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 90) return `${Math.round(s)} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
};

async function getJson(path) {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

function toast(message) {
  const el = $("toast");
  el.textContent = message;
  el.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove("show"), 3500);
}

function askToken() {
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) return Promise.resolve(saved);
  return new Promise((resolve) => {
    const dialog = $("token-dialog");
    $("token-input").value = "";
    dialog.onclose = () => {
      const token = dialog.returnValue === "ok" ? $("token-input").value.trim() : "";
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      resolve(token || null);
    };
    dialog.showModal();
  });
}

async function adminCall(method, path, body) {
  const token = await askToken();
  if (!token) return null;
  const response = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { "content-type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 401 || response.status === 403) sessionStorage.removeItem(TOKEN_KEY);
  if (!response.ok) {
    toast(answer.error?.message ?? `${method} ${path} failed (${response.status})`);
    return null;
  }
  return answer;
}

// --- charts --------------------------------------------------------------------

const CHART_HEIGHT = 220;
/** How long a chart's box keeps one size before the chart is redrawn to it. */
const RESIZE_SETTLE_MS = 120;

/**
 * The width a chart drawn in `el` gets: its box's (the CSS keeps the box from
 * following the chart), and some width even in a box not laid out yet.
 */
const boxWidth = (el) => Math.max(120, Math.floor(el.clientWidth));

/**
 * Draws `data` in the chart of element `id`: new data into the chart already
 * there, or a new chart when there is none, its series changed, its element
 * was replaced, or `rebuild` asks (options such as axis labels changed).
 */
function chart(id, options, data, { rebuild = false } = {}) {
  const el = $(id);
  const existing = charts[id];
  const reusable =
    existing &&
    !rebuild &&
    existing.root.parentNode === el &&
    existing.series.length === options.series.length;
  if (reusable) {
    existing.setData(data);
    return;
  }
  existing?.destroy();
  el.textContent = "";
  charts[id] = new uPlot(
    { width: boxWidth(el), height: CHART_HEIGHT, legend: { live: false }, ...options },
    data,
    el,
  );
  chartBoxes.observe(el);
}

// Charts follow their box, whatever changes it: a window dragged narrower, a
// tablet turned, a panel opened. Resizes come in bursts while a window is
// dragged, so each chart is redrawn once its box has kept one size a moment.
const boxesResized = new Set();
let resizeTimer;
const chartBoxes = new ResizeObserver((entries) => {
  for (const entry of entries) boxesResized.add(entry.target.id);
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(fitChartsToBoxes, RESIZE_SETTLE_MS);
});

function fitChartsToBoxes() {
  for (const id of boxesResized) {
    const el = $(id);
    const drawn = charts[id];
    if (!el || !drawn || drawn.root.parentNode !== el) {
      if (el) chartBoxes.unobserve(el);
      continue;
    }
    const width = boxWidth(el);
    if (width !== drawn.width) drawn.setSize({ width, height: CHART_HEIGHT });
  }
  boxesResized.clear();
}

/**
 * A time axis for check times. With a single check uPlot widens a time axis to
 * 86,400 / 1e-3 seconds (years); ten minutes either side reads better.
 */
const reportTimes = {
  time: true,
  range: (u, min, max) => {
    const xs = u.data[0];
    return xs.length === 1 ? [xs[0] - 600, xs[0] + 600] : [min, max];
  },
};

const line = (label, color, extra = {}) => ({
  label,
  stroke: color,
  width: 2,
  spanGaps: true,
  ...extra,
});
const bars = (label, color) => ({
  label,
  stroke: color,
  fill: `${color}55`,
  width: 1,
  paths: uPlot.paths.bars({ size: [0.45, 60], align: label === "reference" ? -1 : 1 }),
});

// --- panels --------------------------------------------------------------------

async function renderServing() {
  const [ready, alias, quality, health, traffic] = await Promise.all([
    getJson("/ready").catch(() => null),
    getJson(`/models/${MODEL}/aliases/${ALIAS}`),
    getJson("/quality"),
    getJson("/health"),
    getJson("/traffic"),
  ]);
  const status = $("status");
  status.textContent = ready ? `ready · v${ready.model.version}` : "not ready";
  status.className = `pill ${ready ? "ok" : "bad"}`;
  if (!alias) {
    $("serving-facts").innerHTML = "<dt>model</dt><dd>no version is served yet</dd>";
    return;
  }
  const run = alias.run_id ? await getJson(`/runs/${alias.run_id}`) : null;
  const dataset = run?.dataset ?? {};
  const recent = (traffic?.points ?? []).slice(-6).filter((p) => p.requests > 0);
  const rps = recent.length ? recent.reduce((n, p) => n + p.rps, 0) / recent.length : 0;
  const facts = [
    ["model", `${esc(alias.name)} · version ${alias.version} · alias ${esc(ALIAS)}`],
    ["algorithm", esc(alias.algorithm ?? "–")],
    ["trained", `${esc(ago(alias.created_at))} (${esc(alias.source)})`],
    [
      "data",
      dataset.source
        ? `${esc(dataset.source)} · ${esc(dataset.rows)} rows · sha256 ${esc(String(dataset.sha256 ?? "").slice(0, 12))}`
        : "–",
    ],
    ["uptime", health ? `${Math.round(health.uptime_s / 60)} min` : "–"],
    ["requests/s", num(rps, 3)],
  ];
  $("serving-facts").innerHTML = facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("");
  const live = quality?.versions?.find((v) => v.version === alias.version);
  const holdout = Object.entries(alias.metrics ?? {}).filter(([k]) => !k.endsWith("_rows"));
  const holdoutCells = holdout.map(
    ([k, v]) => `<span class="metric">${esc(k)}<b>${num(v)}</b></span>`,
  );
  const liveCells = live
    ? [
        ...Object.entries(live.metrics).map(
          ([k, v]) => `<span class="metric">live ${esc(k)}<b>${num(v)}</b></span>`,
        ),
        `<span class="metric">labelled<b>${live.labelled_rows}</b></span>`,
      ]
    : [];
  $("serving-metrics").innerHTML = [...holdoutCells, ...liveCells].join("");
}

async function renderTraffic() {
  const traffic = await getJson("/traffic");
  const points = traffic?.points ?? [];
  chart(
    "traffic-chart",
    {
      series: [
        {},
        line("req/s", PALETTE[0], { scale: "rps" }),
        line("p50 ms", PALETTE[2], { scale: "ms" }),
        line("p99 ms", PALETTE[1], { scale: "ms" }),
      ],
      axes: [
        {},
        { scale: "rps", label: "req/s" },
        { scale: "ms", side: 1, label: "ms", grid: { show: false } },
      ],
    },
    [
      points.map((p) => p.t / 1000),
      points.map((p) => p.rps),
      points.map((p) => p.p50_ms),
      points.map((p) => p.p99_ms),
    ],
  );
}

async function renderVersions() {
  const versions = (await getJson(`/models/${MODEL}/versions`))?.versions ?? [];
  const keys = [...new Set(versions.flatMap((v) => Object.keys(v.metrics ?? {})))]
    .filter((k) => !k.endsWith("_rows"))
    .sort();
  const signature = JSON.stringify(versions.map((v) => [v.version, v.aliases, v.metrics]));
  if (rendered.versions === signature) return;
  rendered.versions = signature;
  const serving = versions.find((v) => v.aliases.includes(ALIAS))?.version;
  const head = `<tr><th>version</th><th>aliases</th><th>algorithm</th><th>source</th><th>created</th>${keys.map((k) => `<th>${esc(k)}</th>`).join("")}<th></th></tr>`;
  const rows = versions.map((v) => {
    const action =
      v.version === serving
        ? ""
        : `<button class="small" data-promote="${v.version}">${v.version < serving ? "Roll back to" : "Promote"} v${v.version}</button>`;
    return `<tr><td>v${v.version}</td><td>${esc(v.aliases.join(", ") || "–")}</td><td>${esc(v.algorithm ?? "–")}</td><td>${esc(v.source)}</td><td>${esc(ago(v.created_at))}</td>${keys
      .map((k) => `<td>${num(v.metrics?.[k])}</td>`)
      .join("")}<td>${action}</td></tr>`;
  });
  $("versions-table").innerHTML = head + rows.join("");
}

async function renderRuns() {
  const runs = (await getJson("/runs?limit=30"))?.runs ?? [];
  const signature = JSON.stringify(runs.map((r) => [r.id, r.status, r.progress?.stage]));
  if (rendered.runs === signature) return;
  rendered.runs = signature;
  const open = new Set(
    [...document.querySelectorAll("#runs-list details[open]")].map((d) => d.dataset.run),
  );
  $("runs-list").innerHTML = runs.length
    ? runs
        .map(
          (
            r,
          ) => `<details class="run" data-run="${esc(r.id)}"${open.has(r.id) ? " open" : ""}><summary>
        <b>${esc(r.trigger)}</b><span class="status-${esc(r.status)}">${esc(r.status)}</span>
        <span class="muted">${esc(ago(r.started_at))}</span><span>${r.duration_ms == null ? "" : `${num(r.duration_ms / 1000, 3)} s`}</span>
        <span>${r.version ? `v${r.version}` : ""}</span><span>${esc(r.decision ?? "")}</span><span class="muted">${esc(r.reason ?? "")}</span></summary>
        <div class="run-body" id="run-${esc(r.id)}">loading…</div></details>`,
        )
        .join("")
    : '<p class="muted">No runs yet.</p>';
  for (const id of open) void renderRunDetail(id);
}

async function renderRunDetail(id) {
  const run = await getJson(`/runs/${id}`);
  const body = $(`run-${id}`);
  if (!run || !body) return;
  const curve = (run.metric_history ?? []).filter((p) => p.key === "train_loss");
  const drifted = run.params?.drifted_features;
  body.innerHTML = `${drifted ? `<p>Drifted features: <b class="drifted">${esc(drifted)}</b></p>` : ""}
    <h3>Metrics</h3><pre>${esc(JSON.stringify(run.metrics, null, 1))}</pre>
    <h3>Params</h3><pre>${esc(JSON.stringify(run.params, null, 1))}</pre>
    ${curve.length > 1 ? `<h3>Training curve (loss per iteration)</h3><div id="curve-${esc(id)}" class="chart"></div>` : ""}
    ${run.error ? `<h3>Error</h3><pre>${esc(run.error)}</pre>` : ""}`;
  if (curve.length > 1) {
    chart(
      `curve-${id}`,
      {
        scales: { x: { time: false } },
        series: [{ label: "iteration" }, line("train loss", PALETTE[0])],
      },
      [curve.map((p) => p.step), curve.map((p) => p.value)],
    );
  }
}

async function renderDrift() {
  // The history first: before the first check GET /drift is a 404, which the
  // browser would log as an error on every refresh.
  const history = await getJson("/drift/history?limit=200");
  const latest = history?.reports?.length ? await getJson("/drift") : null;
  $("drift-charts").hidden = !latest;
  if (!latest) {
    $("drift-summary").textContent = noCheckYet();
    return;
  }
  const drifted = latest.drifted_features ?? [];
  $("drift-summary").innerHTML =
    `${latest.dataset_drift ? '<b class="drifted">Dataset drift</b>' : '<b class="ok">No dataset drift</b>'} · ${drifted.length} of ${latest.features.length} features drifted (share ${num(latest.drift_share, 3)}, threshold ${latest.share_threshold}) · window ${latest.current_rows} rows vs reference ${latest.reference_rows} · version ${latest.model?.version} · ${esc(ago(latest.created_at))}`;
  const reports = [...(history?.reports ?? [])].reverse();
  const features = latest.features.map((f) => f.feature);
  const xs = reports.map((r) => Date.parse(r.created_at) / 1000);
  const score = (f) => f.p_value ?? f.distance ?? f.statistic;
  const thresholds = [...new Set(latest.features.map((f) => f.threshold))];
  chart(
    "drift-scores",
    {
      scales: { x: reportTimes },
      series: [
        {},
        ...features.map((name, i) =>
          line(name, PALETTE[i % PALETTE.length], { points: { show: true } }),
        ),
        ...thresholds.map((t) => line(`threshold ${t}`, "#999", { dash: [6, 4], width: 1 })),
      ],
    },
    [
      xs,
      ...features.map((name) =>
        reports.map((r) => {
          const f = r.features.find((x) => x.feature === name);
          return f ? score(f) : null;
        }),
      ),
      ...thresholds.map((t) => reports.map(() => t)),
    ],
  );
  chart(
    "drift-share",
    {
      scales: { x: reportTimes, y: { range: [0, 1] } },
      series: [
        {},
        line("drift share", PALETTE[1], { points: { show: true } }),
        line("share threshold", "#999", { dash: [6, 4], width: 1 }),
      ],
    },
    [xs, reports.map((r) => r.drift_share), reports.map((r) => r.share_threshold)],
  );
  const select = $("drift-feature");
  const views = distributionViews(latest.features);
  const options = views.map((v) => v.feature).join("|");
  if (select.dataset.options !== options) {
    const chosen = select.value;
    select.innerHTML = views
      .map((v) => `<option${v.feature === chosen ? " selected" : ""}>${esc(v.feature)}</option>`)
      .join("");
    select.dataset.options = options;
  }
  renderDistribution(views.find((v) => v.feature === select.value) ?? views[0]);
}

/** The drift panel before its first report: one line on what a check needs and what starts one. */
function noCheckYet() {
  const schedule = DRIFT_CRON
    ? `KEEL_DRIFT_CRON (${DRIFT_CRON}) schedules them`
    : "set KEEL_DRIFT_CRON to schedule them";
  return `No drift check yet: one needs ${DRIFT_MIN_ROWS} live predictions (KEEL_DRIFT_MIN_ROWS). Check now or POST /drift/check runs one; ${schedule}.`;
}

/** One chart per feature; a text feature has two, its tokens and its length. */
function distributionViews(features) {
  return features.flatMap((f) =>
    f.length ? [f, { feature: `${f.feature} (length)`, distribution: f.length.distribution }] : [f],
  );
}

function renderDistribution(feature) {
  if (!feature?.distribution) return;
  const d = feature.distribution;
  const labels =
    d.kind === "numeric"
      ? d.edges.slice(0, -1).map((e, i) => num((e + d.edges[i + 1]) / 2, 3))
      : d.categories;
  const xs = labels.map((_, i) => i);
  chart(
    "drift-distribution",
    {
      scales: { x: { time: false, range: [-0.6, Math.max(0.6, labels.length - 0.4)] } },
      axes: [
        { values: (_, ticks) => ticks.map((t) => labels[t] ?? ""), rotate: -30 },
        { label: "share" },
      ],
      series: [
        { label: feature.feature },
        bars("reference", PALETTE[0]),
        bars("current", PALETTE[1]),
      ],
    },
    [xs, d.reference, d.current],
    { rebuild: true },
  );
}

// --- actions -------------------------------------------------------------------

document.addEventListener("click", async (event) => {
  const target = event.target;
  if (!(target instanceof HTMLElement)) return;
  const version = target.dataset.promote;
  if (version) {
    const moved = await adminCall("PUT", `/models/${MODEL}/aliases/${ALIAS}`, {
      version: Number(version),
      reason: "dashboard",
    });
    if (moved) toast(`${ALIAS} → v${moved.to_version}`);
    await refresh();
  }
});

document.addEventListener(
  "toggle",
  (event) => {
    const details = event.target;
    if (details instanceof HTMLDetailsElement && details.open && details.dataset.run)
      void renderRunDetail(details.dataset.run);
  },
  true,
);

$("retrain").addEventListener("click", async () => {
  const started = await adminCall("POST", "/trigger", { target: "local" });
  if (started)
    toast(
      started.started
        ? `retrain started: ${started.run_id}`
        : `a run is already going on: ${started.run_id}`,
    );
  await refresh();
});

$("drift-check").addEventListener("click", async () => {
  const report = await adminCall("POST", "/drift/check");
  if (report) toast(report.dataset_drift ? "dataset drift detected" : "no dataset drift");
  await refresh();
});

$("drift-feature").addEventListener("change", () => {
  rendered.drift = "";
  void renderDrift();
});

// --- refresh loop ------------------------------------------------------------------

async function refresh() {
  const panels = [renderServing, renderTraffic, renderVersions, renderRuns, renderDrift];
  const results = await Promise.allSettled(panels.map((render) => render()));
  const failed = results.filter((r) => r.status === "rejected");
  if (failed.length > 0) $("status").title = failed.map((r) => String(r.reason)).join("\n");
}

void refresh();
setInterval(() => void refresh(), REFRESH_MS);
