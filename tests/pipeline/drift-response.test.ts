import { describe, expect, test } from "bun:test";
import { silentLogger } from "../../src/observability/log.ts";
import { createDriftResponse } from "../../src/pipeline/drift-response.ts";
import type { Retrainer } from "../../src/pipeline/retrain.ts";
import { openStores } from "../../src/state/open-stores.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";

const tempDir = useTempDirs();
const drift = { dataset_drift: true, drift_share: 0.75, drifted_features: ["a", "b", "c"] };

/** A retrainer that records a real run per trigger and finishes it at once. */
async function setup(settings: {
  action: "none" | "retrain";
  cooldownMs: number;
  dailyCap: number;
}) {
  const { tracking } = await openStores({ home: tempDir() });
  const retrainer: Retrainer = {
    async trigger(trigger) {
      const { run } = await tracking.startTrainingRun({ modelName: "m", trigger, owner: 1 });
      await tracking.finishRun(run.id, { status: "succeeded" });
      return { runId: run.id, started: true };
    },
    currentRunId: () => undefined,
    idle: async () => {},
    stop: async () => {},
  };
  const response = createDriftResponse({ retrainer, tracking, settings, logger: silentLogger });
  return { response, tracking };
}

describe("drift response", () => {
  test("no dataset drift, or action none: nothing starts", async () => {
    const { response } = await setup({ action: "none", cooldownMs: 0, dailyCap: 5 });
    expect((await response.respond({ ...drift, dataset_drift: false })).runId).toBeUndefined();
    expect((await response.respond(drift)).skipped).toContain("KEEL_DRIFT_ACTION");
  });

  test("a drift verdict starts a retrain that records the drifted features", async () => {
    const { response, tracking } = await setup({ action: "retrain", cooldownMs: 0, dailyCap: 5 });
    const { runId } = await response.respond(drift, 7);
    const run = await tracking.getRun(runId!);
    expect(run.trigger).toBe("drift");
    expect(run.params.drifted_features).toBe("a,b,c");
    expect(run.params.drift_report_id).toBe(7);
  });

  test("the cooldown holds off a second retrain", async () => {
    const { response } = await setup({ action: "retrain", cooldownMs: 60 * 60_000, dailyCap: 5 });
    expect((await response.respond(drift)).runId).toBeDefined();
    expect((await response.respond(drift)).skipped).toContain("KEEL_DRIFT_COOLDOWN_MIN");
  });

  test("the daily cap counts drift-triggered runs of the last 24 hours", async () => {
    const { response } = await setup({ action: "retrain", cooldownMs: 0, dailyCap: 2 });
    expect((await response.respond(drift)).runId).toBeDefined();
    expect((await response.respond(drift)).runId).toBeDefined();
    expect((await response.respond(drift)).skipped).toContain("KEEL_DRIFT_DAILY_CAP");
  });
});
