// encodeColumns and decodeOutputs: checked feature columns to the input tensors a
// signature asks for, and output tensors back to predictions.

import { describe, expect, test } from "bun:test";
import { Tensor } from "onnxruntime-node";
import type { ModelSignature } from "../../src/registry/model-format.ts";
import { readFeatureColumns } from "../../src/serving/feature-columns.ts";
import {
  decodeOutputs,
  encodeColumns,
  slicePredictions,
  toPredictionObjects,
} from "../../src/serving/tensors.ts";

const encodeRows = (signature: ModelSignature, rows: unknown[]) =>
  encodeColumns(signature, readFeatureColumns(rows, signature));
/** Every row of a run, as objects. */
const decodeRows = (signature: ModelSignature, outputs: Record<string, Tensor>, count: number) =>
  toPredictionObjects(decodeOutputs(signature, outputs, count));

const matrixSignature: ModelSignature = {
  task: "classification",
  target: "target",
  features: [
    { name: "x0", type: "numeric" },
    { name: "x1", type: "numeric" },
  ],
  inputs: { layout: "matrix", name: "float_input", element: "float32" },
  outputs: { label: "output_label", probabilities: "output_probability", labelIsIndex: false },
};

const perFeatureSignature: ModelSignature = {
  task: "classification",
  target: "weather",
  features: [
    { name: "temp", type: "numeric" },
    { name: "sky", type: "categorical", vocabulary: ["clear", "cloudy"] },
    { name: "day", type: "numeric" },
  ],
  classes: ["rain", "sun"],
  inputs: {
    layout: "per-feature",
    tensors: [
      { name: "temp", element: "float64", rank: 2 },
      { name: "sky", element: "string", rank: 2 },
      { name: "day", element: "int64", rank: 1 },
    ],
  },
  outputs: { label: "label", probabilities: "probabilities", labelIsIndex: true },
};

describe("encodeColumns", () => {
  test("a matrix layout is one [N, F] tensor in feature order, null as NaN", () => {
    const feeds = encodeRows(matrixSignature, [
      { x1: 2, x0: 1 },
      { x0: null, x1: 4 },
    ]);
    const input = feeds.float_input!;
    expect(input.type).toBe("float32");
    expect(input.dims).toEqual([2, 2]);
    expect(Array.from(input.data as Float32Array)).toEqual([1, 2, Number.NaN, 4]);
  });

  test("an int64 matrix holds whole numbers, null as 0", () => {
    const signature: ModelSignature = {
      ...matrixSignature,
      inputs: { layout: "matrix", name: "input", element: "int64" },
    };
    const input = encodeRows(signature, [{ x0: 3, x1: null }]).input!;
    expect(input.type).toBe("int64");
    expect(Array.from(input.data as BigInt64Array)).toEqual([3n, 0n]);
  });

  test("a per-feature layout is one tensor per input, with its element type and rank", () => {
    const feeds = encodeRows(perFeatureSignature, [
      { temp: 12.5, sky: "clear", day: 3 },
      { temp: null, sky: null, day: 4.6 },
    ]);
    expect(feeds.temp!.dims).toEqual([2, 1]);
    expect(Array.from(feeds.temp!.data as Float64Array)).toEqual([12.5, Number.NaN]);
    expect(feeds.sky!.type).toBe("string");
    expect(feeds.sky!.data).toEqual(["clear", ""]);
    expect(feeds.day!.type).toBe("int64");
    expect(feeds.day!.dims).toEqual([2]);
    expect(Array.from(feeds.day!.data as BigInt64Array)).toEqual([3n, 5n]);
  });
});

describe("decodeOutputs", () => {
  test("keel labels are indices into the classes, probabilities keyed by class", () => {
    const predictions = decodeRows(
      perFeatureSignature,
      {
        label: new Tensor("int64", BigInt64Array.from([1n, 0n]), [2]),
        probabilities: new Tensor("float64", Float64Array.from([0.25, 0.75, 0.9, 0.1]), [2, 2]),
      },
      2,
    );
    expect(predictions).toEqual([
      { prediction: "sun", probabilities: { rain: 0.25, sun: 0.75 } },
      { prediction: "rain", probabilities: { rain: 0.9, sun: 0.1 } },
    ]);
  });

  test("foreign labels are class values, probabilities keyed by column index", () => {
    const predictions = decodeRows(
      matrixSignature,
      {
        output_label: new Tensor("int64", BigInt64Array.from([0n, 1n]), [2]),
        output_probability: new Tensor(
          "float32",
          Float32Array.from([0.5, 0.5, 0.25, 0.75]),
          [2, 2],
        ),
      },
      2,
    );
    expect(predictions).toEqual([
      { prediction: "0", probabilities: { "0": 0.5, "1": 0.5 } },
      { prediction: "1", probabilities: { "0": 0.25, "1": 0.75 } },
    ]);
  });

  test("without a label output the most probable class is the prediction", () => {
    const signature: ModelSignature = {
      ...perFeatureSignature,
      outputs: { probabilities: "probabilities", labelIsIndex: true },
    };
    const predictions = decodeRows(
      signature,
      { probabilities: new Tensor("float64", Float64Array.from([0.3, 0.7]), [1, 2]) },
      1,
    );
    expect(predictions[0]!.prediction).toBe("sun");
  });

  test("regression values decode to numbers, from [N] or [N, 1]; a slice starts at its offset", () => {
    const signature: ModelSignature = {
      task: "regression",
      target: "y",
      features: [{ name: "a", type: "numeric" }],
      inputs: { layout: "per-feature", tensors: [{ name: "a", element: "float64", rank: 2 }] },
      outputs: { value: "variable", labelIsIndex: false },
    };
    const column = new Tensor("float32", Float32Array.from([1.5, 2.5, 3.5]), [3, 1]);
    const decoded = decodeOutputs(signature, { variable: column }, 3);
    expect(toPredictionObjects(slicePredictions(decoded, 1, 2))).toEqual([
      { prediction: 2.5 },
      { prediction: 3.5 },
    ]);
    const flat = new Tensor("float64", Float64Array.from([7, 8]), [2]);
    expect(decodeRows(signature, { variable: flat }, 2)).toEqual([
      { prediction: 7 },
      { prediction: 8 },
    ]);
  });
});
