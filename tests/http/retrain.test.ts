import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  SAMPLE_ROW,
  startTestKeel,
  type TestKeel,
  waitFor,
  waitForRun,
  waitReady,
  writeLargeWeatherCsv,
} from "./harness.ts";

let keel: TestKeel;
let largeCsv: string;

beforeAll(async () => {
  keel = await startTestKeel();
  largeCsv = writeLargeWeatherCsv(keel.home, 150_000);
  await waitReady(keel);
}, 60_000);

afterAll(() => keel.stop());

const trigger = (body?: unknown) => keel.admin("POST", "/trigger", body);

describe("first start", () => {
  test("trains version 1 from the bundled data, promotes it to prod and records the run", async () => {
    const { runs } = await (await keel.get("/runs?trigger=bootstrap")).json();
    expect(runs).toHaveLength(1);
    const run = runs[0];
    expect(run.status).toBe("succeeded");
    expect(run.version).toBe(1);
    expect(run.decision).toBe("promoted");
    expect(run.reason).toBe("no model is in production yet");
    expect(run.dataset.rows).toBe(1461);
    expect(run.dataset.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.metrics.log_loss).toBeGreaterThan(0);
    expect(run.metrics.accuracy).toBeGreaterThan(0.5);
    const alias = await (await keel.get("/models/weather/aliases/prod")).json();
    expect(alias.version).toBe(1);
    expect(alias.history[0]).toMatchObject({
      from_version: null,
      to_version: 1,
      actor: `run:${run.id}`,
    });
  });

  test("the run keeps its training curve as a metric series", async () => {
    const { runs } = await (await keel.get("/runs?trigger=bootstrap")).json();
    const run = await (await keel.get(`/runs/${runs[0].id}`)).json();
    const curve = run.metric_history.filter((p: { key: string }) => p.key === "train_loss");
    expect(curve.length).toBeGreaterThan(3);
    expect(curve.at(-1).value).toBeLessThan(curve[0].value);
  });
});

describe("POST /trigger", () => {
  test("a retrain on the same data registers version 2 and promotes it (not worse than the champion)", async () => {
    const res = await trigger();
    expect(res.status).toBe(202);
    const { run_id } = await res.json();
    const run = await waitForRun(keel, run_id);
    expect(run.status).toBe("succeeded");
    expect(run.trigger).toBe("api");
    expect(run.reason).toContain("log_loss");
    expect(run.reason).toContain("version 1 was trained on these same data");
    expect((run.metrics as Record<string, number>).champion_log_loss).toBeGreaterThan(0);
    expect(run.params).toMatchObject({ refit: true, refit_rows: 1461 });
    const prediction = await (await keel.post("/predict", SAMPLE_ROW)).json();
    expect(prediction.model.version).toBe(run.version);
  });

  test("a second trigger during a run returns the running run's id; /predict answers while it trains", async () => {
    const first = await (await trigger({ data_url: largeCsv })).json();
    const second = await (await trigger()).json();
    expect(second.run_id).toBe(first.run_id);
    expect(second.started).toBe(false);

    let answeredDuringTraining = 0;
    for (;;) {
      const before = await (await keel.get(`/runs/${first.run_id}`)).json();
      const res = await keel.post("/predict", SAMPLE_ROW);
      expect(res.status).toBe(200);
      const after = await (await keel.get(`/runs/${first.run_id}`)).json();
      if (before.status === "running" && after.status === "running") answeredDuringTraining++;
      if (after.status !== "running") break;
    }
    expect(answeredDuringTraining).toBeGreaterThan(5);
    const run = await waitForRun(keel, first.run_id);
    expect(["succeeded", "rejected"]).toContain(run.status as string);
    expect(run.dataset).toMatchObject({ rows: 150_000 });
  }, 120_000);

  test("progress is recorded on the run while it trains", async () => {
    const { run_id } = await (await trigger({ data_url: largeCsv })).json();
    const progress = await waitFor(async () => {
      const run = await (await keel.get(`/runs/${run_id}`)).json();
      return run.progress?.stage ? run.progress : undefined;
    }, "progress on the run");
    expect(["preprocess", "fit", "evaluate", "export", "verify"]).toContain(progress.stage);
    await waitForRun(keel, run_id);
  }, 120_000);

  test("an unreachable data URL fails the run with that reason and leaves serving untouched", async () => {
    const serving = (await (await keel.get("/ready")).json()).model;
    const { run_id } = await (await trigger({ data_url: "http://127.0.0.1:9/nothing.csv" })).json();
    const run = await waitForRun(keel, run_id);
    expect(run.status).toBe("failed");
    expect(run.error).toContain("http://127.0.0.1:9/nothing.csv");
    expect((await (await keel.get("/ready")).json()).model).toEqual(serving);
  });

  test("a dataset without the target column fails the run naming the column", async () => {
    const path = join(keel.home, "no-target.csv");
    writeFileSync(path, `precipitation,temp_max,temp_min,wind\n${"1,2,3,4\n".repeat(20)}`);
    const run = await waitForRun(keel, (await (await trigger({ data_url: path })).json()).run_id);
    expect(run.status).toBe("failed");
    expect(run.error).toContain("weather");
  });

  test("a dataset missing one of the production model's features fails the run", async () => {
    const path = join(keel.home, "no-wind.csv");
    const rows = Array.from(
      { length: 40 },
      (_, i) => `${i % 7},${10 + (i % 5)},${i % 3},${i % 2 ? "rain" : "sun"}`,
    );
    writeFileSync(path, `precipitation,temp_max,temp_min,weather\n${rows.join("\n")}\n`);
    const run = await waitForRun(keel, (await (await trigger({ data_url: path })).json()).run_id);
    expect(run.status).toBe("failed");
    expect(run.error).toContain("wind");
  });

  test("a dataset whose target reads as another task fails the run as a load failure does", async () => {
    const path = join(keel.home, "numeric-weather.csv");
    const rows = Array.from(
      { length: 40 },
      (_, i) => `${i % 7},${10 + (i % 5)},${i % 3},${i % 4},${(i * 7) % 13}`,
    );
    writeFileSync(path, `precipitation,temp_max,temp_min,wind,weather\n${rows.join("\n")}\n`);
    const run = await waitForRun(keel, (await (await trigger({ data_url: path })).json()).run_id);
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(
      /^The data reads as regression but version \d+ in production is classification$/,
    );
  });

  test("a week where a column is constant: the run goes on without it, says so, and a later week brings it back", async () => {
    const week = (wind: (i: number) => string) =>
      Array.from(
        { length: 60 },
        (_, i) => `${i % 7},${10 + (i % 5)},${i % 3},${wind(i)},${i % 2 ? "rain" : "sun"}`,
      ).join("\n");
    const header = "precipitation,temp_max,temp_min,wind,weather";
    const calm = join(keel.home, "calm-week.csv");
    writeFileSync(calm, `${header}\n${week(() => "4.7")}\n`);
    const run = await waitForRun(keel, (await (await trigger({ data_url: calm })).json()).run_id);
    expect(["succeeded", "rejected"]).toContain(run.status as string);
    const warnings = (run.dataset as { warnings: string[] }).warnings;
    expect(warnings).toEqual([
      'Column "wind" is set aside (constant: every value is 4.7): the model does not use it; requests may still send it',
    ]);
    const version = await (await keel.get(`/models/weather/versions/${run.version}`)).json();
    expect(version.signature.features.map((f: { name: string }) => f.name)).toEqual([
      "precipitation",
      "temp_max",
      "temp_min",
    ]);
    await keel.admin("PUT", "/models/weather/aliases/prod", { version: run.version });
    expect((await keel.post("/predict", SAMPLE_ROW)).status).toBe(200);
    const { wind: _, ...withoutWind } = SAMPLE_ROW;
    expect((await keel.post("/predict", withoutWind)).status).toBe(200);

    const windy = join(keel.home, "windy-week.csv");
    writeFileSync(windy, `${header}\n${week((i) => String(i % 9))}\n`);
    const next = await waitForRun(keel, (await (await trigger({ data_url: windy })).json()).run_id);
    const back = await (await keel.get(`/models/weather/versions/${next.version}`)).json();
    expect(back.signature.features.map((f: { name: string }) => f.name)).toContain("wind");
  }, 60_000);

  test("failed runs are listed by status", async () => {
    const { runs } = await (await keel.get("/runs?status=failed")).json();
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.every((r: { status: string }) => r.status === "failed")).toBe(true);
    expect((await keel.get("/runs?status=bogus")).status).toBe(400);
    expect((await keel.get("/runs/00000000-0000-0000-0000-000000000000")).status).toBe(404);
  });
});

describe("admin guard", () => {
  test("admin routes refuse a missing token (401) and a wrong one (403)", async () => {
    expect((await keel.post("/trigger")).status).toBe(401);
    const wrong = await keel.post("/trigger", undefined, { authorization: "Bearer nope" });
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).error.code).toBe("FORBIDDEN");
  });
});
