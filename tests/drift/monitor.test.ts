// A drift check that has nothing to compare yet is an outcome, not an error:
// the monitor says why it skipped and counts it once as `skipped`, whatever
// is missing (a served version, a reference, enough rows). Real SQLite stores.

import { afterEach, expect, test } from "bun:test";
import { createLiveWindow } from "../../src/drift/live-window.ts";
import { createDriftMonitor } from "../../src/drift/monitor.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { createMetrics, type Metrics } from "../../src/observability/metrics.ts";
import { openStores } from "../../src/state/open-stores.ts";
import type { Stores } from "../../src/state/stores.ts";
import { registerClassifier } from "../helpers/registered.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";

const tempDir = useTempDirs("keel-monitor-");
const opened: Stores[] = [];
afterEach(async () => {
  for (const stores of opened.splice(0)) await stores.close();
});

async function monitorOnFreshStores() {
  const stores = await openStores({ home: tempDir() });
  opened.push(stores);
  const metrics = createMetrics();
  const window = createLiveWindow({
    store: stores.drift,
    settings: { modelName: "weather", maxRows: 1000, maxAgeMs: 3_600_000, maxRowsPerSecond: 1000 },
    metrics,
    logger: silentLogger,
  });
  const monitor = createDriftMonitor({
    stores,
    served: { modelName: "weather", serveAlias: "prod" },
    window,
    settings: { minRows: 10, windowRows: 1000, options: {} },
    metrics,
    logger: silentLogger,
  });
  return { stores, metrics, monitor };
}

async function checksCounted(metrics: Metrics): Promise<Record<string, number>> {
  const { values } = await metrics.driftChecks.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.outcome), v.value]));
}

test("with no version served the check is skipped, saying so, and counted once", async () => {
  const { stores, metrics, monitor } = await monitorOnFreshStores();
  const check = await monitor.check("schedule");
  expect(check).toEqual({
    outcome: "skipped",
    reason: "No version of weather is served yet (alias prod)",
  });
  expect(await checksCounted(metrics)).toEqual({ skipped: 1 });
  expect(await stores.drift.latestReport("weather")).toBeUndefined();
});

test("with no drift reference (an uploaded version) the check is skipped and names the fix", async () => {
  const { stores, metrics, monitor } = await monitorOnFreshStores();
  await registerClassifier(stores.registry);
  await stores.registry.setAlias("weather", "prod", 1, { actor: "test" });
  const check = await monitor.check("api");
  expect(check.outcome).toBe("skipped");
  expect(check.outcome === "skipped" && check.reason).toContain("PUT /drift/reference");
  expect(await checksCounted(metrics)).toEqual({ skipped: 1 });
});

test("replacing the reference still refuses data without the model's features", async () => {
  const { stores, monitor } = await monitorOnFreshStores();
  await registerClassifier(stores.registry);
  await stores.registry.setAlias("weather", "prod", 1, { actor: "test" });
  await expect(monitor.replaceReference([{ nope: 1 }], ["nope"])).rejects.toMatchObject({
    code: "INVALID_DATA",
  });
});

test("replacing the reference with no version served is a CONFLICT: asked for, it cannot be done", async () => {
  const { monitor } = await monitorOnFreshStores();
  await expect(monitor.replaceReference([{ a: 1 }], ["a"])).rejects.toMatchObject({
    code: "CONFLICT",
    message: "No version of weather is served yet (alias prod)",
  });
});
