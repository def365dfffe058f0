// The handle the HTTP layer predicts through. It holds at most one loaded
// model; a swap is one reference assignment, and the model it replaces is
// retired (released after its in-flight predictions finish).

import { AppError } from "../errors.ts";
import { readFeatureColumns } from "./feature-columns.ts";
import type { OnnxModel } from "./onnx-model.ts";
import type { PredictionColumns } from "./tensors.ts";

export interface PredictionBatch {
  model: OnnxModel;
  predictions: PredictionColumns;
}

export interface ModelSlot {
  isReady(): boolean;
  current(): OnnxModel | undefined;
  /** Validates rows against the serving model and predicts them on that same model. */
  predict(rows: unknown[]): Promise<PredictionBatch>;
  /** Puts a loaded (and warmed-up) model in service; returns the one it replaced. */
  swap(next: OnnxModel): OnnxModel | undefined;
  /** Retires the serving model (shutdown). */
  close(): Promise<void>;
}

export function createModelSlot(): ModelSlot {
  let model: OnnxModel | undefined;
  return {
    isReady: () => model !== undefined,
    current: () => model,
    async predict(rows) {
      const serving = model;
      if (!serving) throw new AppError("NOT_READY", "No model is loaded yet; retry shortly");
      const columns = readFeatureColumns(rows, serving.signature);
      return { model: serving, predictions: await serving.predict(columns) };
    },
    swap(next) {
      const previous = model;
      model = next;
      if (previous && previous !== next) void previous.retire();
      return previous;
    },
    async close() {
      const previous = model;
      model = undefined;
      await previous?.retire();
    },
  };
}
