// The self-healing loop over real HTTP: undrifted traffic raises no drift;
// drifted traffic does, starts a retrain by itself on the (now drifted)
// training data, promotes it, the reference moves, and the same drifted regime
// afterwards reads as no drift.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestKeel, type TestKeel, waitFor, waitForRun, waitReady } from "./harness.ts";
import { drifted, replay, sample, weatherRows, writeWeatherCsv } from "./weather-traffic.ts";

const dataDir = mkdtempSync(join(tmpdir(), "keel-drift-data-"));
let keel: TestKeel | undefined;
afterAll(async () => {
  await keel?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test("drift is detected, retrained away, and the reference moves with the promotion", async () => {
  const rows = weatherRows();
  const dataUrl = writeWeatherCsv(dataDir, rows);
  keel = await startTestKeel({
    KEEL_DATA_URL: dataUrl,
    KEEL_DRIFT_ACTION: "retrain",
    KEEL_DRIFT_MIN_ROWS: "200",
    KEEL_DRIFT_COOLDOWN_MIN: "0",
    // The test is about the loop, not the gate: any challenger is promoted.
    KEEL_PROMOTE_TOLERANCE: "1",
  });
  await waitReady(keel);

  await replay(keel, sample(rows, 300, 1));
  const calm = await (await keel.admin("POST", "/drift/check")).json();
  expect(calm.dataset_drift).toBe(false);
  expect(calm.model).toEqual({ name: "weather", version: 1 });
  expect(calm.current_rows).toBe(300);
  expect(calm.action.runId).toBeUndefined();

  // The world changes: traffic drifts, and so does the data the next retrain reads.
  writeWeatherCsv(dataDir, drifted(rows));
  await replay(keel, drifted(sample(rows, 300, 2)));
  const alarm = await (await keel.admin("POST", "/drift/check")).json();
  expect(alarm.dataset_drift).toBe(true);
  expect(alarm.drifted_features).toContain("temp_max");
  const runId = alarm.action.runId as string;
  expect(runId).toBeString();

  const run = await waitForRun(keel, runId);
  expect(run.status).toBe("succeeded");
  expect(run.trigger).toBe("drift");
  expect((run.params as Record<string, unknown>).drifted_features).toContain("temp_max");
  await waitFor(async () => {
    const alias = await (await keel!.get("/models/weather/aliases/prod")).json();
    return alias.version === 2 ? true : undefined;
  }, "prod to move to version 2");

  // Too few rows since the new reference went live: the check says so instead of guessing.
  const early = await keel.admin("POST", "/drift/check");
  expect(early.status).toBe(409);

  await replay(keel, drifted(sample(rows, 300, 3)));
  const healed = await (await keel.admin("POST", "/drift/check")).json();
  expect(healed.model.version).toBe(2);
  expect(healed.reference.version).toBe(2);
  expect(healed.dataset_drift).toBe(false);

  const history = await (await keel.get("/drift/history")).json();
  expect(history.reports.map((r: { dataset_drift: boolean }) => r.dataset_drift)).toEqual([
    false,
    true,
    false,
  ]);
  const metrics = await (await keel.get("/metrics")).text();
  expect(metrics).toContain("keel_dataset_drift 0");
  expect(metrics).toMatch(/keel_feature_drifted\{feature="temp_max"\} 0/);
  // Each check counted once, by its outcome: the refused early one as skipped.
  expect(metrics).toContain('keel_drift_checks_total{outcome="no_drift"} 2');
  expect(metrics).toContain('keel_drift_checks_total{outcome="drift"} 1');
  expect(metrics).toContain('keel_drift_checks_total{outcome="skipped"} 1');
}, 120_000);
