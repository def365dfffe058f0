// Scores any servable ONNX model on dataset rows with the same metrics the
// trainers report, so a champion and a challenger are judged alike.

import type { Dataset } from "../data/dataset.ts";
import { datasetRows } from "../data/rows.ts";
import { readFeatureColumns } from "../serving/feature-columns.ts";
import { loadOnnxModel } from "../serving/onnx-model.ts";
import { toPredictionObjects } from "../serving/tensors.ts";
import { classificationMetrics, regressionMetrics } from "./metrics.ts";

export async function evaluateOnnxModel(
  bytes: Uint8Array,
  dataset: Dataset,
  rows: Uint32Array,
): Promise<Record<string, number>> {
  const model = await loadOnnxModel(bytes, { identity: { name: "champion", version: 0 } });
  try {
    const columns = readFeatureColumns(datasetRows(dataset, rows), model.signature);
    const predictions = toPredictionObjects(await model.predict(columns));
    const target = dataset.target;
    if (target.task === "regression") {
      const yTrue = new Float64Array(rows.length);
      const yPred = new Float64Array(rows.length);
      rows.forEach((row, i) => {
        yTrue[i] = target.values[row]!;
        yPred[i] = Number(predictions[i]!.prediction);
      });
      return regressionMetrics(yTrue, yPred);
    }
    const k = target.classes.length;
    const yTrue = new Int32Array(rows.length);
    const yPred = new Int32Array(rows.length);
    const probabilities = new Float64Array(rows.length * k);
    let hasProbabilities = true;
    rows.forEach((row, i) => {
      const p = predictions[i]!;
      yTrue[i] = target.codes[row]!;
      yPred[i] = target.classes.indexOf(String(p.prediction));
      if (!p.probabilities) hasProbabilities = false;
      else
        for (let c = 0; c < k; c++)
          probabilities[i * k + c] = p.probabilities[target.classes[c]!] ?? 0;
    });
    const metrics = classificationMetrics(yTrue, probabilities, k, yPred);
    if (!hasProbabilities) {
      delete metrics.log_loss;
      delete metrics.roc_auc;
    }
    return metrics;
  } finally {
    await model.retire();
  }
}
