// KEEL_RETRAIN_POLICY=on-drift over a real service: the scheduled job fetches
// the training data each tick and trains only once that data has drifted.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestKeel, type TestKeel, waitFor, waitForRun, waitReady } from "../http/harness.ts";
import { drifted, weatherRows, writeWeatherCsv } from "../http/weather-traffic.ts";

const dataDir = mkdtempSync(join(tmpdir(), "keel-policy-data-"));
let keel: TestKeel | undefined;
afterAll(async () => {
  await keel?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test("an on-drift schedule skips undrifted data and trains once the data drifts", async () => {
  const rows = weatherRows();
  keel = await startTestKeel({
    KEEL_DATA_URL: writeWeatherCsv(dataDir, rows),
    KEEL_RETRAIN_CRON: "* * * * * *",
    KEEL_RETRAIN_POLICY: "on-drift",
  });
  await waitReady(keel);
  const scheduled = async () => (await (await keel!.get("/runs?trigger=schedule")).json()).runs;

  await Bun.sleep(2500);
  expect(await scheduled()).toEqual([]);

  writeWeatherCsv(dataDir, drifted(rows));
  const [run] = await waitFor(async () => {
    const runs = await scheduled();
    return runs.length > 0 ? runs : undefined;
  }, "a scheduled run after the data drifted");
  const finished = (await waitForRun(keel, run.id)) as { params: Record<string, unknown> };
  expect(finished.params.retrain_policy).toBe("on-drift");
  expect(String(finished.params.drifted_features)).toContain("temp_max");
}, 60_000);
