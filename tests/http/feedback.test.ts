// Ground truth through /feedback, live quality per version through /quality and
// /metrics, and rollback when a freshly promoted version does worse live.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestKeel, type TestKeel, waitFor, waitForRun, waitReady } from "./harness.ts";
import { replay, sample, weatherRows } from "./weather-traffic.ts";

describe("feedback and live quality", () => {
  let keel: TestKeel;
  beforeAll(async () => {
    keel = await startTestKeel();
    await waitReady(keel);
  });
  afterAll(() => keel.stop());

  test("a label joins a logged prediction and live accuracy follows", async () => {
    const answer = await (
      await keel.post("/predict", { precipitation: 0, temp_max: 20, temp_min: 10, wind: 2 })
    ).json();
    const receipt = await keel.post("/feedback", {
      prediction_id: answer.prediction_id,
      label: answer.prediction,
    });
    expect(receipt.status).toBe(200);
    expect(await receipt.json()).toEqual({
      prediction_id: answer.prediction_id,
      model: { name: "weather", version: 1 },
      prediction: answer.prediction,
      label: answer.prediction,
    });
    const quality = await waitFor(async () => {
      const q = await (await keel.get("/quality")).json();
      return q.labelled_rows === 1 ? q : undefined;
    }, "live quality");
    expect(quality.versions).toEqual([
      { version: 1, labelled_rows: 1, metrics: { accuracy: 1, macro_f1: 1 } },
    ]);
    await waitFor(async () => {
      const text = await (await keel.get("/metrics")).text();
      return (
        text.includes('keel_live_quality{model="weather",version="1",metric="accuracy"} 1') ||
        undefined
      );
    }, "the live quality gauge");
  });

  test("bad feedback is refused clearly and changes nothing", async () => {
    const unknown = await keel.post("/feedback", { prediction_id: "nope", label: "rain" });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toContain("not in the live window");

    const answer = await (
      await keel.post("/predict", { precipitation: 1, temp_max: 9, temp_min: 3, wind: 5 })
    ).json();
    const wrongClass = await keel.post("/feedback", {
      prediction_id: answer.prediction_id,
      label: "hail",
    });
    expect(wrongClass.status).toBe(422);
    expect((await wrongClass.json()).error.message).toContain("not a class");

    expect((await keel.post("/feedback", { prediction_id: answer.prediction_id })).status).toBe(
      400,
    );
    expect((await keel.post("/feedback", "{not json")).status).toBe(400);
  });
});

test("a promoted version that does worse on live labels is rolled back, audited and recorded", async () => {
  const keel = await startTestKeel({
    KEEL_ROLLBACK_ON_DEGRADE: "1",
    KEEL_ROLLBACK_MIN_LABELS: "30",
    KEEL_PROMOTE_TOLERANCE: "1",
  });
  try {
    await waitReady(keel);
    const rows = sample(weatherRows(), 40, 11);
    // Version 1 gets its own answers back as ground truth: perfect live accuracy.
    await label(keel, rows, (prediction) => prediction);
    const { run_id } = await (await keel.admin("POST", "/trigger")).json();
    expect((await waitForRun(keel, run_id)).decision).toBe("promoted");
    // Version 2 is told it is wrong every time.
    await label(keel, rows, (prediction) => (prediction === "sun" ? "rain" : "sun"));

    const alias = await waitFor(async () => {
      const a = await (await keel.get("/models/weather/aliases/prod")).json();
      return a.version === 1 ? a : undefined;
    }, "prod to roll back to version 1");
    expect(alias.version).toBe(1);
    const runs = (await (await keel.get("/runs?trigger=rollback")).json()).runs;
    expect(runs).toHaveLength(1);
    expect(runs[0].decision).toBe("rolled_back");
    expect(runs[0].version).toBe(1);
    expect(runs[0].reason).toContain("live accuracy of version 2");
  } finally {
    await keel.stop();
  }
}, 60_000);

/** Predicts the rows and sends, as ground truth, `truth(prediction)` for each. */
async function label(
  keel: TestKeel,
  rows: ReturnType<typeof weatherRows>,
  truth: (prediction: string) => string,
) {
  for (const { id, prediction } of await replay(keel, rows)) {
    const receipt = await keel.post("/feedback", {
      prediction_id: id,
      label: truth(String(prediction)),
    });
    if (receipt.status !== 200) throw new Error(`/feedback answered ${receipt.status}`);
  }
}
