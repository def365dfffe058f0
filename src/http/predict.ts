// POST /predict: one row `{feature: value}` or a batch `{"instances": [...]}`.

import { Elysia, t } from "elysia";
import type { OpenAPIV3 } from "openapi-types";
import type { LiveWindow } from "../drift/live-window.ts";
import { AppError, badRequest } from "../errors.ts";
import { createIdGenerator } from "../observability/ids.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { ModelSlot } from "../serving/model-slot.ts";
import { readJson } from "./body.ts";
import { batchAnswerJson, singleAnswerJson } from "./predict-json.ts";

export interface PredictRouteOptions {
  slot: ModelSlot;
  /** Where answered rows go for drift and live quality (buffered; never blocks). */
  window: LiveWindow;
  metrics: Metrics;
  maxBodyBytes: number;
  maxBatchRows: number;
}

const ModelRef = t.Object({ name: t.String(), version: t.Integer() });
const Probabilities = t.Optional(t.Record(t.String(), t.Number()));
const Prediction = t.Object({
  prediction: t.Union([t.String(), t.Number()]),
  probabilities: Probabilities,
});
/** The answer's shape, for the OpenAPI document (and the tests of predict-json.ts). */
export const PredictAnswer = t.Union([
  t.Composite([Prediction, t.Object({ model: ModelRef, prediction_id: t.String() })]),
  t.Object({
    predictions: t.Array(Prediction),
    model: ModelRef,
    prediction_ids: t.Array(t.String()),
  }),
]);

export function predictRoutes(options: PredictRouteOptions) {
  const { slot, metrics } = options;
  const nextId = createIdGenerator();
  return new Elysia({ name: "predict" }).post(
    "/predict",
    async ({ request, set }): Promise<string> => {
      const body = await readJson(request, options.maxBodyBytes);
      const { rows, batch } = rowsOf(body, options.maxBatchRows);
      const { model, predictions } = await slot.predict(rows);
      const { name, version } = model.identity;
      metrics.countPredictions(name, version, rows.length);
      const ids = new Array<string>(rows.length);
      for (let i = 0; i < ids.length; i++) ids[i] = nextId();
      options.window.capture(version, rows, predictions, ids);
      // The answer is written as JSON text directly (predict-json.ts), the shape of PredictAnswer.
      set.headers["content-type"] = "application/json;charset=utf-8";
      if (batch) return batchAnswerJson(predictions, model.identity, ids);
      return singleAnswerJson(predictions, model.identity, ids[0]!);
    },
    {
      parse: "none",
      detail: {
        summary: "Predict one row or a batch",
        description:
          'Send one row as `{"feature": value, ...}` or several as `{"instances": [{...}, ...]}`. ' +
          "Every feature of the model must be present; `null` marks a missing value. " +
          "Classifiers also answer class probabilities.",
        tags: ["serving"],
        requestBody: {
          content: {
            "application/json": {
              schema: { type: "object", additionalProperties: true },
              example: { precipitation: 0.5, temp_max: 14.2, temp_min: 6.1, wind: 3.4 },
            },
          },
        },
        // Documented here rather than as Elysia's `response` schema, which re-checks and
        // re-encodes every answer (TypeBox Encode: t.Integer is a transform) and cost more per
        // request than the model run. tests/http/predict-json.test.ts holds the text to it.
        responses: {
          200: {
            description: "One prediction, or one per instance in order",
            content: { "application/json": { schema: PredictAnswer as OpenAPIV3.SchemaObject } },
          },
        },
      },
    },
  );
}

function rowsOf(body: unknown, maxRows: number): { rows: unknown[]; batch: boolean } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest('Send a JSON object: one row of features, or {"instances": [rows]}');
  }
  const instances = (body as { instances?: unknown }).instances;
  if (instances === undefined) return { rows: [body], batch: false };
  if (!Array.isArray(instances)) throw badRequest('"instances" must be an array of rows');
  if (instances.length === 0) throw badRequest('"instances" is empty');
  if (instances.length > maxRows) {
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      `"instances" has ${instances.length} rows; the limit is ${maxRows} (KEEL_MAX_BATCH_ROWS)`,
    );
  }
  return { rows: instances, batch: true };
}
