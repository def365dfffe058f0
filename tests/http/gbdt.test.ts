// The service with KEEL_ALGORITHM=auto on data only trees can learn (an
// interaction and a category subset): it keeps the GBDT, records both
// candidates and why, and serves it through /predict.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRandom } from "../../src/data/random.ts";
import { startTestKeel, type TestKeel, waitForRun, waitReady } from "./harness.ts";

const dir = mkdtempSync(join(tmpdir(), "keel-gbdt-"));
let keel: TestKeel | undefined;
afterAll(async () => {
  await keel?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function writeInteractionCsv(): string {
  const random = createRandom(5);
  const colours = ["red", "green", "blue", "black"];
  const lines = ["a,b,colour,label"];
  for (let i = 0; i < 3000; i++) {
    const a = random() * 2 - 1;
    const b = random() * 2 - 1;
    const colour = colours[Math.floor(random() * 4)]!;
    const positive = a > 0 !== b > 0 || colour === "green" || colour === "black";
    const noisy = random() < 0.05 ? !positive : positive;
    lines.push(`${a.toFixed(4)},${b.toFixed(4)},${colour},${noisy ? "yes" : "no"}`);
  }
  const path = join(dir, "interaction.csv");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

test("auto keeps the GBDT, records both candidates, and serves it", async () => {
  keel = await startTestKeel({
    KEEL_ALGORITHM: "auto",
    KEEL_DATA_URL: writeInteractionCsv(),
    KEEL_TARGET: "label",
    KEEL_PROMOTE_TOLERANCE: "0.5",
  });
  await waitReady(keel);
  const { run_id } = await (await keel.admin("POST", "/trigger")).json();
  const run = (await waitForRun(keel, run_id)) as {
    status: string;
    decision: string;
    params: Record<string, unknown>;
    metrics: Record<string, number>;
  };
  expect(run.status).toBe("succeeded");
  expect(run.decision).toBe("promoted");
  expect(run.params.algorithm).toBe("auto");
  expect(String(run.params.model_selection)).toContain("gbdt has the lower holdout log_loss");
  expect(run.metrics.candidate_gbdt_log_loss).toBeLessThan(
    run.metrics.candidate_logistic_regression_log_loss!,
  );
  expect(
    run.metrics.importance_a! + run.metrics.importance_b! + run.metrics.importance_colour!,
  ).toBeCloseTo(1, 9);
  expect(run.metrics.onnx_parity_max_abs_diff).toBeLessThanOrEqual(1e-5);

  const version = await (await keel.get("/models/interaction/aliases/prod")).json();
  expect(version).toMatchObject({ version: 2, algorithm: "gbdt" });
  const answer = await (
    await keel.post("/predict", {
      instances: [
        { a: 0.5, b: -0.5, colour: "red" },
        { a: 0.5, b: 0.5, colour: "red" },
        { a: 0.5, b: 0.5, colour: "green" },
        { a: null, b: 0.5, colour: "never-seen" },
      ],
    })
  ).json();
  expect(answer.model).toEqual({ name: "interaction", version: 2 });
  expect(answer.predictions.slice(0, 3).map((p: { prediction: string }) => p.prediction)).toEqual([
    "yes",
    "no",
    "yes",
  ]);
  for (const p of answer.predictions)
    expect(p.probabilities.no + p.probabilities.yes).toBeCloseTo(1, 12);
}, 120_000);
