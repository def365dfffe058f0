// Open Inference Protocol (KServe V2) REST routes for the served model, so
// clients written for KServe, Seldon or Triton can call keel unchanged.

import { Elysia, t } from "elysia";
import { AppError, notFound } from "../errors.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { ModelSlot } from "../serving/model-slot.ts";
import type { OnnxModel } from "../serving/onnx-model.ts";
import { predictionsToV2Outputs, v2InputsToRows, v2Metadata } from "../serving/open-inference.ts";
import { toPredictionObjects } from "../serving/tensors.ts";

const tags = ["open inference (v2)"];

const V2Input = t.Object({
  name: t.String(),
  shape: t.Array(t.Integer({ minimum: 0 })),
  datatype: t.String(),
  data: t.Array(t.Union([t.Number(), t.String(), t.Null(), t.Boolean()])),
});

export function openInferenceRoutes(options: { slot: ModelSlot; metrics: Metrics }) {
  const { slot, metrics } = options;
  const served = (name: string): OnnxModel => {
    const model = slot.current();
    if (!model) throw new AppError("NOT_READY", "No model is loaded yet");
    if (model.identity.name !== name) {
      throw notFound(
        "MODEL_NOT_FOUND",
        `Model ${name} is not served here; this service serves ${model.identity.name}`,
      );
    }
    return model;
  };
  return new Elysia({ name: "open-inference" })
    .get("/v2/health/live", () => ({ live: true }), { detail: { summary: "V2 liveness", tags } })
    .get(
      "/v2/health/ready",
      ({ set }) => {
        set.status = slot.isReady() ? 200 : 503;
        return { ready: slot.isReady() };
      },
      { detail: { summary: "V2 readiness", tags } },
    )
    .get(
      "/v2/models/:name",
      ({ params }) => {
        const model = served(params.name);
        return {
          name: model.identity.name,
          versions: [String(model.identity.version)],
          platform: "onnxruntime",
          ...v2Metadata(model.signature),
        };
      },
      { params: t.Object({ name: t.String() }), detail: { summary: "V2 model metadata", tags } },
    )
    .post(
      "/v2/models/:name/infer",
      async ({ params, body }) => {
        const model = served(params.name);
        const rows = v2InputsToRows(body.inputs, model.signature.features);
        const result = await slot.predict(rows);
        const { name, version } = result.model.identity;
        metrics.countPredictions(name, version, rows.length);
        return {
          model_name: name,
          model_version: String(version),
          ...(body.id ? { id: body.id } : {}),
          outputs: predictionsToV2Outputs(
            result.model.signature,
            toPredictionObjects(result.predictions),
          ),
        };
      },
      {
        params: t.Object({ name: t.String() }),
        body: t.Object({ id: t.Optional(t.String()), inputs: t.Array(V2Input, { minItems: 1 }) }),
        detail: { summary: "V2 inference: one input tensor per feature", tags },
      },
    );
}
