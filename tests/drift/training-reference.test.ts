// A trained model's drift reference: its training data's columns plus the
// model's own predictions on every row and a classifier's holdout
// calibration, built before the version is registered; a model that cannot
// predict the data is refused.

import { expect, test } from "bun:test";
import { decodeProfile, encodeProfile } from "../../src/drift/profile.ts";
import { buildTrainingReference } from "../../src/drift/training-reference.ts";
import { trainModel } from "../../src/training/train.ts";
import { caughtAppError } from "../helpers/app-error.ts";
import { keelClassifier, skl2onnxClassifier } from "../helpers/onnx-models.ts";
import { mixedDataset, splitAt } from "../training/fixtures.ts";

test("profiles every feature and the model's predictions on every training row", async () => {
  const data = mixedDataset(400, "multiclass");
  const profile = await buildTrainingReference(await keelClassifier(), data);
  expect(profile.rows).toBe(400);
  expect(profile.columns.map((c) => c.name)).toEqual(data.features.map((f) => f.name));
  const prediction = profile.prediction!;
  expect(prediction.type).toBe("categorical");
  if (prediction.type !== "categorical") return;
  const counted = Object.values(prediction.counts).reduce((a, b) => a + b, 0);
  expect(counted).toBe(400);
  expect(Object.keys(prediction.counts).every((c) => ["low", "mid", "high"].includes(c))).toBe(
    true,
  );
  expect(decodeProfile(encodeProfile(profile))).toEqual(profile);
});

test("a model whose inputs the data does not have is refused before anything is registered", async () => {
  const error = await caughtAppError(() =>
    buildTrainingReference(skl2onnxClassifier(), mixedDataset(50, "multiclass")),
  );
  expect(error.code).toBe("INVALID_INPUT");
});

test("a classifier's reference carries the calibration of its holdout probabilities", async () => {
  const data = mixedDataset(600, "binary");
  const result = await trainModel({
    dataset: data,
    split: splitAt(data.rows),
    options: { algorithm: "gbdt", modelName: "m", runId: "r" },
  });
  expect(result.holdout!.rows.length).toBe(result.metrics.test_rows!);
  expect(result.holdout!.probabilities.length).toBe(result.holdout!.rows.length * 2);
  const profile = await buildTrainingReference(result.onnx, data, result.holdout);
  const calibration = profile.calibration!;
  expect(calibration.rows).toBe(result.holdout!.rows.length);
  expect(calibration.curves).toHaveLength(1);
  expect(calibration.curves[0]!.y.every((p) => p >= 0 && p <= 1)).toBe(true);
  expect(decodeProfile(encodeProfile(profile))).toEqual(profile);
});
