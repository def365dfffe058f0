// Turns validated rows into the input tensors a model's signature asks for, and
// the model's output tensors back into predictions.

import { Tensor } from "onnxruntime-node";
import type { ModelSignature, TensorElement } from "../registry/model-format.ts";
import type { Row } from "./validate-rows.ts";

export interface Prediction {
  prediction: string | number;
  probabilities?: Record<string, number>;
}

type Feeds = Record<string, Tensor>;

export function encodeRows(signature: ModelSignature, rows: Row[]): Feeds {
  const n = rows.length;
  const binding = signature.inputs;
  if (binding.layout === "matrix") {
    const width = signature.features.length;
    const data = allocate(binding.element, n * width);
    for (let r = 0; r < n; r++) {
      const row = rows[r]!;
      for (let c = 0; c < width; c++) {
        const value = row[signature.features[c]!.name];
        setNumber(data, r * width + c, typeof value === "number" ? value : null);
      }
    }
    return {
      [binding.name]: new Tensor(binding.element as "float32", data as Float32Array, [n, width]),
    };
  }
  const feeds: Feeds = {};
  for (const input of binding.tensors) {
    const dims = input.rank === 1 ? [n] : [n, 1];
    if (input.element === "string") {
      const data = new Array<string>(n);
      for (let r = 0; r < n; r++) data[r] = (rows[r]![input.name] as string | null) ?? "";
      feeds[input.name] = new Tensor("string", data, dims);
      continue;
    }
    const data = allocate(input.element, n);
    for (let r = 0; r < n; r++) setNumber(data, r, rows[r]![input.name] as number | null);
    feeds[input.name] = new Tensor(input.element as "float64", data as Float64Array, dims);
  }
  return feeds;
}

function allocate(element: TensorElement, size: number) {
  switch (element) {
    case "float32":
      return new Float32Array(size);
    case "int64":
      return new BigInt64Array(size);
    case "int32":
      return new Int32Array(size);
    default:
      return new Float64Array(size);
  }
}

function setNumber(
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array,
  index: number,
  value: number | null,
) {
  if (data instanceof BigInt64Array) data[index] = BigInt(Math.round(value ?? 0));
  else data[index] = value ?? Number.NaN;
}

/** Reads `count` predictions starting at `offset` from a batched run's outputs. */
export function decodeOutputs(
  signature: ModelSignature,
  outputs: Record<string, Tensor>,
  offset: number,
  count: number,
): Prediction[] {
  const { outputs: binding } = signature;
  const predictions: Prediction[] = new Array(count);
  if (signature.task === "regression" || (!binding.label && !binding.probabilities)) {
    const values = outputs[binding.value ?? ""]!;
    const width = values.dims.length > 1 ? Number(values.dims[1]) : 1;
    for (let i = 0; i < count; i++) {
      predictions[i] = { prediction: Number(values.data[(offset + i) * width]) };
    }
    return predictions;
  }
  const probs = binding.probabilities ? outputs[binding.probabilities] : undefined;
  const labels = binding.label ? outputs[binding.label] : undefined;
  const width = probs ? Number(probs.dims[1] ?? 1) : 0;
  const classes = signature.classes ?? Array.from({ length: width }, (_, i) => String(i));
  for (let i = 0; i < count; i++) {
    const row = offset + i;
    const probabilities = probs
      ? rowProbabilities(probs.data as Float32Array, row, classes)
      : undefined;
    const prediction = labelOf(labels, row, classes, binding.labelIsIndex, probabilities);
    predictions[i] = probabilities ? { prediction, probabilities } : { prediction };
  }
  return predictions;
}

function rowProbabilities(data: ArrayLike<number>, row: number, classes: string[]) {
  const out: Record<string, number> = {};
  const width = classes.length;
  for (let c = 0; c < width; c++) out[classes[c]!] = data[row * width + c]!;
  return out;
}

function labelOf(
  labels: Tensor | undefined,
  row: number,
  classes: string[],
  labelIsIndex: boolean,
  probabilities: Record<string, number> | undefined,
): string {
  if (labels) {
    const raw = labels.data[row];
    if (labelIsIndex) return classes[Number(raw)] ?? String(raw);
    return String(raw);
  }
  let best = classes[0]!;
  for (const name of classes) if (probabilities![name]! > probabilities![best]!) best = name;
  return best;
}
