// trainModel end to end in the calling thread: progress, metrics, parameters,
// a verified ONNX model, and clear errors for requests that cannot train.

import { describe, expect, test } from "bun:test";
import { InferenceSession } from "onnxruntime-node";
import type { Dataset } from "../../src/data/dataset.ts";
import { METADATA_KEYS } from "../../src/registry/model-format.ts";
import { readMetadataProps } from "../../src/training/onnx-builder.ts";
import { buildFeeds } from "../../src/training/parity.ts";
import type { TrainOptions, TrainProgress } from "../../src/training/protocol.ts";
import { trainModel } from "../../src/training/train.ts";
import { categorical, classes, dataset, mixedDataset, splitAt } from "./fixtures.ts";

const options = (params?: TrainOptions["params"]): TrainOptions => ({
  algorithm: "linear",
  modelName: "weather",
  runId: "run-1",
  timeColumn: "date",
  params,
});

const train = (
  d: Dataset,
  params?: TrainOptions["params"],
  onProgress?: (p: TrainProgress) => void,
) => trainModel({ dataset: d, split: splitAt(d.rows), options: options(params) }, onProgress);

describe("trainModel", () => {
  test("a binary run reports every stage, a decreasing curve and holdout metrics", async () => {
    const events: TrainProgress[] = [];
    const result = await train(mixedDataset(800, "binary"), { C: 0.5 }, (e) => events.push(e));
    const stages = [...new Set(events.map((e) => e.stage))];
    expect(stages).toEqual(["preprocess", "fit", "evaluate", "export", "verify", "refit"]);
    expect(result.curve.length).toBe(result.params.iterations as number);
    expect(result.curve.at(-1)!.loss).toBeLessThan(result.curve[0]!.loss);
    expect(events.filter((e) => e.stage === "fit").map((e) => e.step)).toEqual(
      result.curve.map((c) => c.step),
    );
    expect(result.metrics.accuracy).toBeGreaterThan(0.8);
    expect(result.metrics.roc_auc).toBeGreaterThan(0.9);
    expect(result.metrics.train_rows).toBe(600);
    expect(result.metrics.test_rows).toBe(200);
    expect(result.params).toMatchObject({
      C: 0.5,
      max_iter: 100,
      solver: "lbfgs",
      converged: true,
    });
    expect(result.algorithm).toBe("logistic_regression");
    expect(result.parityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
    const props = readMetadataProps(result.onnx);
    expect(props[METADATA_KEYS.timeColumn]).toBe("date");
    expect(props[METADATA_KEYS.runId]).toBe("run-1");
  });

  test("a multiclass run has no roc_auc, a regression run reports rmse, mae and r2 with alpha", async () => {
    const multi = await train(mixedDataset(600, "multiclass"));
    expect(Object.keys(multi.metrics).sort()).toEqual([
      "accuracy",
      "log_loss",
      "macro_f1",
      "test_rows",
      "train_rows",
    ]);
    const reg = await train(mixedDataset(600, "regression"), { alpha: "2.5" });
    expect(reg.algorithm).toBe("ridge");
    expect(reg.params).toMatchObject({
      alpha: 2.5,
      solver: "cholesky",
      refit: true,
      refit_rows: 600,
    });
    expect(reg.metrics.r2).toBeGreaterThan(0.6);
    expect(reg.curve).toHaveLength(1);
  });

  test("max_iter caps the solver and is recorded", async () => {
    const result = await train(mixedDataset(600, "multiclass"), { max_iter: 3 });
    expect(result.params).toMatchObject({ max_iter: 3, iterations: 3, converged: false });
  });

  test("rows without a target are left out of training and evaluation", async () => {
    const d = mixedDataset(400, "binary");
    if (d.target.task === "classification") d.target.codes[0] = -1;
    const result = await train(d);
    expect(result.metrics.train_rows).toBe(299);
  });

  test("categorical-only data, including a column that is always missing, trains and serves", async () => {
    const n = 200;
    const colour = Int32Array.from({ length: n }, (_, i) => i % 3);
    const d = dataset(
      [
        categorical("colour", colour, ["blue", "green", "red"]),
        categorical("empty", new Int32Array(n).fill(-1), []),
      ],
      classes(
        "y",
        Int32Array.from(colour, (c) => (c === 2 ? 1 : 0)),
        ["no", "yes"],
      ),
    );
    const result = await train(d);
    expect(result.metrics.accuracy).toBe(1);
    const session = await InferenceSession.create(result.onnx);
    expect(session.inputNames).toEqual(["colour", "empty"]);
    await session.run(buildFeeds(d, Uint32Array.of(0, 1)));
    await session.release();
  });
});

describe("trainModel refuses", () => {
  test("invalid hyper-parameters, naming them", async () => {
    const d = mixedDataset(100, "binary");
    await expect(train(d, { C: -1 })).rejects.toThrow("Parameter C must be a number > 0, got -1");
    await expect(train(d, { max_iter: 2.5 })).rejects.toThrow(/max_iter must be an integer/);
    await expect(train(mixedDataset(100, "regression"), { alpha: "x" })).rejects.toThrow(/alpha/);
  });

  test("a target with a single class", async () => {
    const d = dataset(
      [categorical("c", [0, 1, 0, 1], ["a", "b"])],
      classes("y", [0, 0, 0, 0], ["only"]),
    );
    await expect(train(d)).rejects.toThrow(/at least 2 classes/);
  });

  test("an empty holdout or a dataset without features", async () => {
    const d = mixedDataset(50, "binary");
    await expect(
      trainModel({
        dataset: d,
        split: { train: splitAt(50).train, test: new Uint32Array() },
        options: options(),
      }),
    ).rejects.toThrow(/holdout split has no rows/);
    await expect(train({ ...d, features: [] })).rejects.toThrow(/no feature columns/);
  });
});

describe("refit on all rows", () => {
  const data = mixedDataset(800, "binary");
  const run = (algorithm: "linear" | "gbdt", refit: boolean, params?: TrainOptions["params"]) =>
    trainModel({
      dataset: data,
      split: splitAt(data.rows),
      options: { algorithm, modelName: "m", runId: "r", refit, params },
    });

  test("the registered model is fitted again on every row; the metrics stay the holdout's, labelled", async () => {
    const [refit, kept] = await Promise.all([run("linear", true), run("linear", false)]);
    expect(refit.refitRows).toBe(800);
    expect(refit.params).toMatchObject({ refit: true, refit_rows: 800 });
    expect(refit.params.evaluation).toBe(
      "holdout of 200 rows; the model returned was refit on all 800 rows",
    );
    expect(kept.params).toMatchObject({ refit: false });
    expect(kept.refitRows).toBeUndefined();
    expect(refit.metrics).toEqual(kept.metrics);
    expect(Buffer.from(refit.onnx).equals(Buffer.from(kept.onnx))).toBe(false);
    expect(refit.parityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  test("a GBDT that stopped early is refit with proportionally more trees, early stopping off", async () => {
    const params = { early_stopping: true, max_iter: 200, n_iter_no_change: 3 };
    const result = await run("gbdt", true, params);
    const iterations = result.params.iterations as number;
    expect(result.params.early_stopped).toBe(true);
    // 600 train rows, about 60 of them for validation: about 540 fitted; the refit fits 800.
    const expected = Math.min(200, (iterations * 800) / 540);
    expect(Math.abs((result.params.refit_iterations as number) - expected)).toBeLessThanOrEqual(1);
    expect(result.params.refit_iterations as number).toBeGreaterThan(iterations);
    expect(result.parityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
  });
});
