// The Open Inference Protocol (KServe V2) view of the served model: one input
// tensor per feature, and outputs `label` + `probabilities` (classifiers) or
// `prediction` (regressors). Converts V2 tensors to rows and back.

import { badRequest, invalidInput } from "../errors.ts";
import type { FeatureSignature, ModelSignature } from "../registry/model-format.ts";
import type { Prediction } from "./tensors.ts";
import type { FeatureValue } from "./validate-rows.ts";

export interface V2Tensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}

export interface V2TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

const datatypeOf = (feature: FeatureSignature) => (feature.type === "numeric" ? "FP64" : "BYTES");

export function v2Metadata(signature: ModelSignature): {
  inputs: V2TensorMetadata[];
  outputs: V2TensorMetadata[];
} {
  const inputs = signature.features.map((f) => ({
    name: f.name,
    datatype: datatypeOf(f),
    shape: [-1],
  }));
  if (signature.task === "regression") {
    return { inputs, outputs: [{ name: "prediction", datatype: "FP64", shape: [-1] }] };
  }
  const classes = signature.classes?.length ?? -1;
  return {
    inputs,
    outputs: [
      { name: "label", datatype: "BYTES", shape: [-1] },
      { name: "probabilities", datatype: "FP64", shape: [-1, classes] },
    ],
  };
}

/** Turns V2 input tensors (one per feature, shape [N] or [N, 1]) into rows. */
export function v2InputsToRows(
  inputs: V2Tensor[],
  features: FeatureSignature[],
): Record<string, FeatureValue>[] {
  const byName = new Map(inputs.map((input) => [input.name, input]));
  const unknown = inputs.filter((input) => !features.some((f) => f.name === input.name));
  const missing = features.filter((f) => !byName.has(f.name));
  if (unknown.length > 0 || missing.length > 0) {
    throw invalidInput("The inputs do not match the model's features", {
      fields: [
        ...missing.map((f) => ({ field: f.name, problem: "is missing" })),
        ...unknown.map((i) => ({ field: i.name, problem: "is not a feature of this model" })),
      ],
    });
  }
  const n = rowCount(inputs);
  const rows: Record<string, FeatureValue>[] = Array.from({ length: n }, () => ({}));
  for (const input of inputs) {
    for (let r = 0; r < n; r++) rows[r]![input.name] = input.data[r] as FeatureValue;
  }
  return rows;
}

function rowCount(inputs: V2Tensor[]): number {
  const counts = new Set<number>();
  for (const input of inputs) {
    const [rows = 0, width = 1, ...rest] = input.shape;
    if (width !== 1 || rest.length > 0) {
      throw badRequest(
        `Input "${input.name}" must have shape [N] or [N, 1], got [${input.shape.join(", ")}]`,
      );
    }
    if (input.data.length !== rows) {
      throw badRequest(
        `Input "${input.name}" has shape [${input.shape.join(", ")}] but ${input.data.length} values`,
      );
    }
    counts.add(rows);
  }
  if (counts.size !== 1) throw badRequest("Every input must have the same number of rows");
  const [n] = counts;
  if (!n) throw badRequest("The inputs hold no rows");
  return n;
}

export function predictionsToV2Outputs(
  signature: ModelSignature,
  predictions: Prediction[],
): V2Tensor[] {
  const n = predictions.length;
  if (signature.task === "regression") {
    return [
      {
        name: "prediction",
        datatype: "FP64",
        shape: [n],
        data: predictions.map((p) => p.prediction),
      },
    ];
  }
  const labels: V2Tensor = {
    name: "label",
    datatype: "BYTES",
    shape: [n],
    data: predictions.map((p) => String(p.prediction)),
  };
  const first = predictions[0]?.probabilities;
  if (!first) return [labels];
  const classes = signature.classes ?? Object.keys(first);
  const data = predictions.flatMap((p) => classes.map((c) => p.probabilities?.[c] ?? 0));
  return [labels, { name: "probabilities", datatype: "FP64", shape: [n, classes.length], data }];
}
