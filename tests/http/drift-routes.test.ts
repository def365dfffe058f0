// The drift routes' contract: before any check, checks that cannot run yet,
// the admin guard, uploading a reference, and the schedule listing; and the
// scheduled check, whose "skipped" is an outcome and not a failure.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger } from "../../src/observability/log.ts";
import { startTestKeel, type TestKeel, tempHome, waitFor, waitReady } from "./harness.ts";
import { drifted, replay, sample, weatherRows } from "./weather-traffic.ts";

describe("drift routes", () => {
  let keel: TestKeel;
  beforeAll(async () => {
    keel = await startTestKeel({
      KEEL_DRIFT_MIN_ROWS: "50",
      KEEL_DRIFT_CRON: "0 3 * * *",
      KEEL_RETRAIN_CRON: "0 4 * * 1",
    });
    await waitReady(keel);
  });
  afterAll(() => keel.stop());

  test("GET /drift is 404 until a check ran; a check without enough rows is 409", async () => {
    const none = await keel.get("/drift");
    expect(none.status).toBe(404);
    expect((await none.json()).error.message).toContain("POST /drift/check");
    const early = await keel.admin("POST", "/drift/check");
    expect(early.status).toBe(409);
    const { error } = await early.json();
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain("KEEL_DRIFT_MIN_ROWS");
    expect(await checksCounted(keel)).toEqual({ skipped: 1 });
  });

  test("checks and reference uploads need the admin token", async () => {
    expect((await keel.post("/drift/check")).status).toBe(401);
    const put = await fetch(`${keel.url}/drift/reference`, { method: "PUT", body: "a,b\n1,2\n" });
    expect(put.status).toBe(401);
  });

  test("a report names each feature's method, statistic, threshold and verdict", async () => {
    await replay(keel, sample(weatherRows(), 80, 5));
    const report = await (await keel.admin("POST", "/drift/check")).json();
    expect(await checksCounted(keel)).toEqual({
      skipped: 1,
      [report.dataset_drift ? "drift" : "no_drift"]: 1,
    });
    expect(report.reference_rows).toBe(1461);
    expect(report.current_rows).toBe(80);
    expect(report.share_threshold).toBe(0.5);
    const names = report.features.map((f: { feature: string }) => f.feature);
    expect(names).toEqual(["precipitation", "temp_max", "temp_min", "wind"]);
    for (const f of report.features) {
      expect(["ks", "wasserstein", "psi"]).toContain(f.method);
      expect(typeof f.statistic).toBe("number");
      expect(typeof f.threshold).toBe("number");
      expect(typeof f.drifted).toBe("boolean");
      expect(f.p_value ?? f.distance).toBeNumber();
    }
    expect(report.prediction.feature).toBeDefined();
    const latest = await (await keel.get("/drift")).json();
    expect(latest.id).toBe(report.id);
    const history = await (await keel.get("/drift/history?limit=1")).json();
    expect(history.reports[0].features[0].distribution).toBeUndefined();
  });

  test("the report's data-quality table shows a feature arriving empty and values outside the training range", async () => {
    // 80 ordinary rows are in the window already (the test above); 40 more with
    // no wind at all, and a quarter of them 30 °C hotter than any training day.
    const instances = sample(weatherRows(), 40, 9).map((r, i) => ({
      precipitation: r.precipitation,
      temp_max: i % 4 === 0 ? 65 : r.temp_max,
      temp_min: r.temp_min,
      wind: null,
    }));
    expect((await keel.post("/predict", { instances })).status).toBe(200);
    const report = await (await keel.admin("POST", "/drift/check")).json();
    const quality = Object.fromEntries(
      report.data_quality.map((q: { feature: string }) => [q.feature, q]),
    );
    expect(quality.wind).toMatchObject({
      reference_missing_rate: 0,
      current_missing_rate: 40 / 120,
    });
    expect(quality.temp_max.out_of_range_share).toBeCloseTo(10 / 120, 12);
    expect(quality.temp_max.range.high).toBeGreaterThan(35.6);
    expect(quality.precipitation.out_of_range_share).toBe(0);
  });

  test("an uploaded reference replaces the active one; the window restarts from it", async () => {
    const shifted = drifted(weatherRows());
    const csv = [
      "precipitation,temp_max,temp_min,wind",
      ...shifted.map((r) => `${r.precipitation},${r.temp_max},${r.temp_min},${r.wind}`),
    ].join("\n");
    const put = await fetch(`${keel.url}/drift/reference`, {
      method: "PUT",
      headers: { authorization: "Bearer test-admin-token", "content-type": "text/csv" },
      body: csv,
    });
    expect(put.status).toBe(200);
    expect((await put.json()).reference.rows).toBe(1461);
    await replay(keel, sample(shifted, 120, 9));
    const report = await (await keel.admin("POST", "/drift/check")).json();
    expect(report.reference.source).toBe("upload");
    expect(report.current_rows).toBe(120);
    expect(report.dataset_drift).toBe(false);
  });

  test("a reference without the model's features is refused, naming them", async () => {
    const put = await fetch(`${keel.url}/drift/reference`, {
      method: "PUT",
      headers: { authorization: "Bearer test-admin-token", "content-type": "text/csv" },
      body: "precipitation,wind\n1,2\n3,4\n",
    });
    expect(put.status).toBe(422);
    const message = (await put.json()).error.message;
    expect(message).toContain('"temp_max"');
    expect(message).toContain('"temp_min"');
  });

  test("GET /schedule lists the retrain and drift jobs with next run times", async () => {
    const { jobs } = await (await keel.get("/schedule")).json();
    expect(jobs.map((j: { name: string }) => j.name).sort()).toEqual(["drift-check", "retrain"]);
    for (const job of jobs) expect(Date.parse(job.next_run)).toBeGreaterThan(Date.now());
  });
});

/** `keel_drift_checks_total` by outcome, as /metrics exports it. */
async function checksCounted(keel: TestKeel): Promise<Record<string, number>> {
  const text = await (await keel.get("/metrics")).text();
  const counted: Record<string, number> = {};
  for (const [, outcome, value] of text.matchAll(
    /^keel_drift_checks_total\{outcome="(\w+)"\} (\d+)$/gm,
  )) {
    counted[outcome!] = Number(value);
  }
  return counted;
}

test("a scheduled check with too few rows is skipped: logged and counted, not a failed job", async () => {
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "info",
    write: (text) => {
      for (const line of text.trim().split("\n")) logs.push(JSON.parse(line));
    },
  });
  const keel = await startTestKeel({ KEEL_DRIFT_CRON: "* * * * * *" }, tempHome(), logger);
  try {
    await waitReady(keel);
    const skippedOnce = () => logs.filter((l) => l.event === "drift.check_skipped");
    const skipped = await waitFor(
      () => {
        keel.logger.flush();
        const lines = skippedOnce();
        return lines.length >= 2 ? lines : undefined;
      },
      "two scheduled drift checks",
      10_000,
    );
    expect(skipped.at(-1)!.reason).toContain("KEEL_DRIFT_MIN_ROWS");
    expect(logs.filter((l) => l.event === "scheduler.job_failed")).toEqual([]);
    expect((await checksCounted(keel)).skipped).toBeGreaterThanOrEqual(2);
  } finally {
    await keel.stop();
  }
}, 30_000);
