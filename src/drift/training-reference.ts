// The drift reference of a freshly trained model: the profile of the data it
// was trained on, with the model's own predictions on that data (for
// prediction drift) and, for a classifier, the calibration of its
// probabilities on the holdout (for the label-free performance estimate).
// Building it runs the model over every training row, so a model that cannot
// predict its own data is refused before it is registered.

import type { Dataset, FeatureColumn, Task } from "../data/dataset.ts";
import { datasetRows } from "../data/rows.ts";
import { readFeatureColumns } from "../serving/feature-columns.ts";
import { loadOnnxModel, type OnnxModel } from "../serving/onnx-model.ts";
import { fitCalibration } from "./calibration.ts";
import { driftColumns } from "./drift-columns.ts";
import { columnOf } from "./live-columns.ts";
import { buildReferenceProfile, type ReferenceProfile } from "./profile.ts";

const PREDICTION_CHUNK = 5000;

/**
 * `holdout` is the run's (TrainResult.holdout): probabilities of the
 * configuration fitted without those rows. A refit model has seen them, so
 * its own probabilities there would calibrate it as more right than it is;
 * the calibration learnt before the refit is the honest one, and the refit
 * model's probabilities are mapped through it.
 */
export async function buildTrainingReference(
  onnx: Uint8Array,
  dataset: Dataset,
  holdout?: { rows: Uint32Array; probabilities: Float64Array },
): Promise<ReferenceProfile> {
  const model = await loadOnnxModel(onnx, { identity: { name: "reference", version: 0 } });
  try {
    const prediction = await predictionColumn(model, dataset);
    const profile = buildReferenceProfile({ features: driftColumns(dataset.features), prediction });
    const target = dataset.target;
    if (!holdout || target.task !== "classification") return profile;
    const labels = Int32Array.from(holdout.rows, (r) => target.codes[r]!);
    return {
      ...profile,
      calibration: fitCalibration(holdout.probabilities, labels, target.classes),
    };
  } finally {
    await model.retire();
  }
}

/** How a model's predictions are profiled: values for regression, classes otherwise. */
export const predictionShape = (task: Task) =>
  ({ name: "prediction", type: task === "regression" ? "numeric" : "categorical" }) as const;

async function predictionColumn(model: OnnxModel, dataset: Dataset): Promise<FeatureColumn> {
  const values: (string | number)[] = [];
  for (let start = 0; start < dataset.rows; start += PREDICTION_CHUNK) {
    const end = Math.min(dataset.rows, start + PREDICTION_CHUNK);
    const indices = Uint32Array.from({ length: end - start }, (_, i) => start + i);
    const columns = readFeatureColumns(datasetRows(dataset, indices), model.signature);
    values.push(...(await model.predict(columns)).values);
  }
  return columnOf(predictionShape(model.signature.task), values);
}
