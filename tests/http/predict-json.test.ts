// The /predict answer is written as JSON text straight from the prediction
// columns. It must be, byte for byte, what JSON.stringify makes of the answer
// objects the route used to build, whatever the classes are called and whatever
// numbers the model gives, and it must have the documented shape.

import { describe, expect, test } from "bun:test";
import { Value } from "@sinclair/typebox/value";
import { createRandom } from "../../src/data/random.ts";
import { PredictAnswer } from "../../src/http/predict.ts";
import { batchAnswerJson, singleAnswerJson } from "../../src/http/predict-json.ts";
import { createIdGenerator } from "../../src/observability/ids.ts";
import { type PredictionColumns, toPredictionObjects } from "../../src/serving/tensors.ts";

const model = { name: "weather", version: 3 };
const nextId = createIdGenerator();

/** The answers as the route built them before: objects, then JSON.stringify. */
function viaObjects(predictions: PredictionColumns, ids: string[]) {
  const objects = toPredictionObjects(predictions);
  return {
    batch: JSON.stringify({ predictions: objects, model, prediction_ids: ids }),
    single: JSON.stringify({ ...objects[0]!, model, prediction_id: ids[0]! }),
  };
}

function expectSameText(predictions: PredictionColumns) {
  const ids = Array.from({ length: predictions.count }, () => nextId());
  const expected = viaObjects(predictions, ids);
  const batch = batchAnswerJson(predictions, model, ids);
  expect(batch).toBe(expected.batch);
  const first = { ...predictions, count: 1, values: predictions.values.slice(0, 1) };
  const single = singleAnswerJson(first, model, ids[0]!);
  expect(single).toBe(expected.single);
  return { batch: JSON.parse(batch), single: JSON.parse(single) };
}

function classifier(classes: string[], data: number[], values?: (string | number)[]) {
  const count = Math.max(1, Math.ceil(data.length / classes.length));
  return {
    count,
    values: values ?? Array.from({ length: count }, (_, i) => classes[i % classes.length]!),
    probabilities: { classes, data: Float64Array.from(data) },
  };
}

describe("the answer text", () => {
  test("is JSON.stringify's text for a binary classifier's thousand rows", () => {
    const random = createRandom(3);
    const data = Array.from({ length: 2000 }, () => random());
    const { batch, single } = expectSameText(classifier(["0", "1"], data));
    expect(Value.Check(PredictAnswer, batch)).toBe(true);
    expect(Value.Check(PredictAnswer, single)).toBe(true);
    expect(batch.predictions).toHaveLength(1000);
    expect(batch.prediction_ids).toHaveLength(1000);
  });

  test("lists integer-like class names first, in numeric order, as objects do", () => {
    const { single } = expectSameText(classifier(["10", "2", "b", "a"], [0.1, 0.2, 0.3, 0.4]));
    expect(Object.keys(single.probabilities)).toEqual(["2", "10", "b", "a"]);
  });

  test("keeps the last column of a repeated class name and no __proto__ key", () => {
    expectSameText(classifier(["x", "y", "x"], [0.1, 0.2, 0.7, 0.3, 0.3, 0.4]));
    expectSameText(classifier(["__proto__", "ok"], [0.4, 0.6]));
  });

  test("escapes class names, labels and the model name as JSON does", () => {
    const classes = ['say "hi"', "back\\slash", "é", "line\u2028sep", "tab\t"];
    expectSameText(classifier(classes, [0.1, 0.2, 0.3, 0.2, 0.2], ["not a class\n"]));
  });

  test("prints numbers as JSON.stringify does, non-finite ones as null", () => {
    const numbers = [
      -0,
      1e-7,
      123456789012345680000,
      1e21,
      5e-324,
      Number.NaN,
      Infinity,
      -Infinity,
    ];
    expectSameText(classifier(["a", "b"], numbers));
    const float32 = Float32Array.from([0.1, 0.9, 1 / 3, 2 / 3]);
    const values = ["b", "b"];
    expectSameText({ count: 2, values, probabilities: { classes: ["a", "b"], data: float32 } });
  });

  test("leaves out probabilities a short output tensor does not hold, as JSON leaves out undefined", () => {
    expectSameText(classifier(["a", "b", "c"], [0.2, 0.3, 0.5, 0.6], ["c", "a"]));
  });

  test("regression values are numbers, null when not finite; no probabilities key", () => {
    const { batch } = expectSameText({
      count: 4,
      values: [1.5, -2, Number.NaN, Number.NEGATIVE_INFINITY],
    });
    expect(batch.predictions).toEqual([
      { prediction: 1.5 },
      { prediction: -2 },
      { prediction: null },
      { prediction: null },
    ]);
  });

  test("a classifier without probabilities answers the label alone", () => {
    const { single } = expectSameText({ count: 2, values: ["7", "3"] });
    expect(single).toEqual({ prediction: "7", model, prediction_id: single.prediction_id });
  });
});
