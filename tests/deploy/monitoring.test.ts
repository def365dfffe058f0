// The monitoring kit: every metric the Grafana dashboard queries is one keel
// really exports (scraped from a running keel), and the files parse.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { startTestKeel, type TestKeel, waitReady } from "../http/harness.ts";

const ROOT = resolve(import.meta.dir, "../..");
const dashboard = JSON.parse(
  readFileSync(join(ROOT, "deploy/grafana/dashboards/keel.json"), "utf8"),
);

let keel: TestKeel;
beforeAll(async () => {
  keel = await startTestKeel();
  await waitReady(keel);
});
afterAll(() => keel.stop());

/** Series names /metrics can carry: each TYPE'd family, plus a histogram's _bucket/_sum/_count. */
async function exportedSeries(): Promise<Set<string>> {
  const text = await (await keel.get("/metrics")).text();
  const series = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    series.add(name!);
    if (type === "histogram")
      for (const suffix of ["_bucket", "_sum", "_count"]) series.add(name! + suffix);
  }
  return series;
}

test("every metric the dashboard queries is exported by keel", async () => {
  const exported = await exportedSeries();
  const queried = new Set<string>();
  for (const panel of dashboard.panels) {
    for (const target of panel.targets) {
      for (const [name] of target.expr.matchAll(/\bkeel_[a-z0-9_]+/g)) queried.add(name);
    }
  }
  expect(queried.size).toBeGreaterThan(10);
  const missing = [...queried].filter((name) => !exported.has(name));
  expect(missing).toEqual([]);
});

test("the dashboard has the panels the loop needs, on a datasource variable", () => {
  const titles = dashboard.panels.map((p: { title: string }) => p.title).join(" | ");
  for (const part of [
    "Dataset drift",
    "drifted features",
    "Per-feature drift",
    "Request rate",
    "latency",
    "Predictions per version",
    "Model version",
    "Retrain runs",
    "Live quality",
  ]) {
    expect(titles).toContain(part);
  }
  expect(dashboard.templating.list[0]).toMatchObject({
    name: "datasource",
    type: "datasource",
    query: "prometheus",
  });
  const ids = dashboard.panels.map((p: { id: number }) => p.id);
  expect(new Set(ids).size).toBe(ids.length);
});

test("prometheus.yml scrapes keel and the compose file wires the three services", () => {
  const prometheus = parse(readFileSync(join(ROOT, "deploy/prometheus.yml"), "utf8"));
  expect(prometheus.scrape_configs[0]).toMatchObject({
    job_name: "keel",
    metrics_path: "/metrics",
  });
  const compose = parse(readFileSync(join(ROOT, "deploy/docker-compose.monitoring.yml"), "utf8"));
  expect(Object.keys(compose.services).sort()).toEqual(["grafana", "keel", "prometheus"]);
  expect(compose.services.grafana.volumes.join(" ")).toContain("grafana/dashboards");
});

test("the scaled compose file runs two replicas on one PostgreSQL, sharing no disk, both scraped", () => {
  const compose = parse(readFileSync(join(ROOT, "deploy/docker-compose.scaled.yml"), "utf8"), {
    merge: true,
  });
  const keels = ["keel-a", "keel-b"].map((name) => compose.services[name]);
  const database = compose.services.postgres.environment;
  for (const keel of keels) {
    const url = new URL(keel.environment.DATABASE_URL);
    expect(url.hostname).toBe("postgres");
    expect(url.pathname).toBe(`/${database.POSTGRES_DB}`);
    expect(url.username).toBe(database.POSTGRES_USER);
    expect(keel.volumes).toBeUndefined();
    expect(keel.depends_on.postgres.condition).toBe("service_healthy");
  }
  const ports = keels.map((keel) => keel.ports[0]);
  expect(new Set(ports).size).toBe(2);
  const prometheus = parse(readFileSync(join(ROOT, "deploy/prometheus.scaled.yml"), "utf8"));
  expect(prometheus.scrape_configs[0].static_configs[0].targets).toEqual([
    "keel-a:3000",
    "keel-b:3000",
  ]);
});
