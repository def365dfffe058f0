// A new user's CSV with a date column and no spec, over real HTTP: the date is
// the time column, so the model serves on the weather readings alone (sending
// the date too is fine), the drift loop closes on drifted traffic, and a model
// with date features takes dates as strings or epochs, or not at all.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestKeel, type TestKeel, waitForRun, waitReady } from "./harness.ts";
import { drifted, replay, sample, weatherRows, writeWeatherCsv } from "./weather-traffic.ts";

const dataDir = mkdtempSync(join(tmpdir(), "keel-dates-"));
const running: TestKeel[] = [];
afterAll(async () => {
  for (const keel of running) await keel.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const readings = { precipitation: 0.5, temp_max: 14.2, temp_min: 6.1, wind: 3.4 };

test("a spec-less CSV with a date column trains, serves without the date, and its drift loop closes", async () => {
  const rows = weatherRows();
  const dataUrl = writeWeatherCsv(dataDir, rows, false);
  const keel = await startTestKeel({
    KEEL_DATA_URL: dataUrl,
    KEEL_TARGET: "weather",
    KEEL_DRIFT_ACTION: "retrain",
    KEEL_DRIFT_MIN_ROWS: "200",
    KEEL_DRIFT_COOLDOWN_MIN: "0",
    KEEL_PROMOTE_TOLERANCE: "1",
  });
  running.push(keel);
  await waitReady(keel);
  const [bootstrap] = (await (await keel.get("/runs")).json()).runs;
  const date = bootstrap.dataset.schema.find((c: { name: string }) => c.name === "date");
  expect(date).toMatchObject({ type: "datetime", role: "time" });
  expect(bootstrap.params.split).toBe("time (date)");

  expect((await keel.post("/predict", readings)).status).toBe(200);
  expect((await keel.post("/predict", { ...readings, date: "2016-01-01" })).status).toBe(200);

  writeWeatherCsv(dataDir, drifted(rows), false);
  await replay(keel, drifted(sample(rows, 300, 2)));
  const alarm = await (await keel.admin("POST", "/drift/check")).json();
  expect(alarm.dataset_drift).toBe(true);
  const run = await waitForRun(keel, alarm.action.runId);
  expect(run.status).toBe("succeeded");
  await replay(keel, drifted(sample(rows, 300, 3)));
  const healed = await (await keel.admin("POST", "/drift/check")).json();
  expect(healed.model.version).toBe(2);
  expect(healed.dataset_drift).toBe(false);
}, 120_000);

test("a model with date features takes dates as text or epochs, or not at all, and drift compares their parts", async () => {
  const lines = weatherRows().map((r, i) => {
    const hour = String((i * 7) % 24).padStart(2, "0");
    return `${r.date},${r.date}T${hour}:15:00Z,${r.precipitation},${r.temp_max},${r.temp_min},${r.wind},${r.weather}`;
  });
  const path = join(dataDir, "two-dates.csv");
  writeFileSync(
    path,
    `date,observed,precipitation,temp_max,temp_min,wind,weather\n${lines.join("\n")}\n`,
  );
  const keel = await startTestKeel({
    KEEL_DATA_URL: path,
    KEEL_TARGET: "weather",
    KEEL_DRIFT_MIN_ROWS: "50",
  });
  running.push(keel);
  await waitReady(keel);
  const version = await (await keel.get("/models/two-dates/versions/1")).json();
  const types = Object.fromEntries(
    version.signature.features.map((f: { name: string; type: string }) => [f.name, f.type]),
  );
  expect(types).toMatchObject({ date: "datetime", observed: "datetime", wind: "numeric" });

  const asText = await keel.post("/predict", {
    ...readings,
    date: "2016-07-04",
    observed: "2016-07-04T09:15:00Z",
  });
  const asEpoch = await keel.post("/predict", {
    ...readings,
    date: 1_467_590_400,
    observed: 1_467_623_700,
  });
  expect(asText.status).toBe(200);
  expect(asEpoch.status).toBe(200);
  expect((await asEpoch.json()).probabilities).toEqual((await asText.json()).probabilities);
  expect((await keel.post("/predict", readings)).status).toBe(200);
  const bad = await keel.post("/predict", { ...readings, date: "someday" });
  expect(bad.status).toBe(422);
  expect((await bad.json()).error.message).toContain('feature "date" must be a date');

  await replay(keel, sample(weatherRows(), 60, 4));
  const report = await (await keel.admin("POST", "/drift/check")).json();
  const compared = report.features.map((f: { feature: string }) => f.feature);
  expect(compared).toEqual(
    expect.arrayContaining(["date.month", "date.day_of_week", "observed.month", "observed.hour"]),
  );
  expect(compared).not.toContain("date.hour");
  expect(compared).not.toContain("date.year");
}, 120_000);
