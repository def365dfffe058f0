// The second core for histograms (histogram-helper.ts): each feature is still
// summed by one thread in row order, so a fit with the helper is the same
// model, to the bit, as a fit without; and it runs inside the training Worker
// (a Worker started from a Worker), as it does in the service.

import { expect, test } from "bun:test";
import type { Dataset } from "../../../src/data/dataset.ts";
import { createRandom } from "../../../src/data/random.ts";
import { DEFAULT_GBDT_PARAMS, fitGbdt } from "../../../src/training/gbdt/boosting.ts";
import { predictGbdt } from "../../../src/training/gbdt/predict.ts";
import { runTraining } from "../../../src/training/run-training.ts";
import { allRows, classes, dataset, numeric, splitAt } from "../fixtures.ts";

/** 80,000 rows × 20 features: above the size where the fit starts a helper. */
function large(): Dataset {
  const random = createRandom(9);
  const n = 80_000;
  const columns = Array.from({ length: 20 }, () => new Float64Array(n));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (const column of columns) column[i] = random() * 2 - 1;
    const logit = 3 * columns[0]![i]! - 2 * columns[1]![i]! * columns[2]![i]! + columns[3]![i]!;
    codes[i] = random() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return dataset(
    columns.map((values, j) => numeric(`x${j}`, values)),
    classes("y", codes, ["no", "yes"]),
  );
}

const data = large();
const params = { ...DEFAULT_GBDT_PARAMS, maxIter: 20 };

test("a fit with the second core is the same model as a fit without", () => {
  const train = allRows(70_000);
  const test = Uint32Array.from({ length: 10_000 }, (_, i) => 70_000 + i);
  const RealWorker = globalThis.Worker;
  let helpers = 0;
  globalThis.Worker = class extends RealWorker {
    constructor(url: string | URL, options?: Bun.WorkerOptions) {
      super(url, options);
      helpers++;
    }
  } as typeof Worker;
  let two: ReturnType<typeof fitGbdt>["model"];
  try {
    two = fitGbdt(data, train, { ...params, secondCore: true }).model;
  } finally {
    globalThis.Worker = RealWorker;
  }
  expect(helpers).toBe(1);
  const one = fitGbdt(data, train, { ...params, secondCore: false }).model;
  expect(two.trees.length).toBe(one.trees.length);
  expect(Array.from(predictGbdt(two, data, test))).toEqual(
    Array.from(predictGbdt(one, data, test)),
  );
}, 60_000);

test("the training Worker fits a large GBDT with its helper and closes", async () => {
  const outcome = await runTraining({
    dataset: data,
    split: splitAt(data.rows, 0.8),
    options: { algorithm: "gbdt", modelName: "large", runId: "r-large", params: { max_iter: 10 } },
  });
  if (!outcome.ok) throw outcome.error;
  expect(outcome.value.algorithm).toBe("gbdt");
  expect(outcome.value.metrics.roc_auc).toBeGreaterThan(0.8);
}, 60_000);
