// Predicts plain rows on a loaded model the way the service does: checked into
// feature columns against its signature, run, and read back as one object per row.

import { readFeatureColumns } from "../../src/serving/feature-columns.ts";
import type { OnnxModel } from "../../src/serving/onnx-model.ts";
import { type Prediction, toPredictionObjects } from "../../src/serving/tensors.ts";

export async function predictRows(model: OnnxModel, rows: unknown[]): Promise<Prediction[]> {
  return toPredictionObjects(await model.predict(readFeatureColumns(rows, model.signature)));
}
