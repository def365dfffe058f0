// loadOnnxModel: real models run in onnxruntime, their outputs decoded into
// predictions; unloadable files are refused; a retired model finishes what it
// started before its session is released.

import { describe, expect, test } from "bun:test";
import { loadOnnxModel } from "../../src/serving/onnx-model.ts";
import { caughtAppError } from "../helpers/app-error.ts";
import {
  floatRegressor,
  int64MatrixRegressor,
  keelClassifier,
  skl2onnxClassifier,
  unknownOperatorModel,
  zipMapClassifier,
} from "../helpers/onnx-models.ts";
import { predictRows } from "../helpers/predict-rows.ts";

const identity = { name: "weather", version: 1 };
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe("a loaded keel model", () => {
  test("predicts one of its classes with a probability per class", async () => {
    const model = await loadOnnxModel(await keelClassifier(), { identity });
    expect(model.identity).toEqual(identity);
    const [prediction] = await predictRows(model, [
      { a: 14, colour: "red", b: 8, size: "S", c: 10 },
    ]);
    const probabilities = prediction!.probabilities!;
    expect(Object.keys(probabilities)).toEqual(["low", "mid", "high"]);
    const total = Object.values(probabilities).reduce((sum, p) => sum + p, 0);
    expect(total).toBeCloseTo(1, 6);
    const best = Object.entries(probabilities).sort((x, y) => y[1] - x[1])[0]![0];
    expect(prediction!.prediction).toBe(best);
    await model.retire();
  });

  test("takes missing values and unseen categories", async () => {
    const model = await loadOnnxModel(await keelClassifier(), { identity });
    const predictions = await predictRows(model, [
      { a: null, colour: null, b: 10, size: "XXL", c: null },
    ]);
    expect(["low", "mid", "high"]).toContain(predictions[0]!.prediction as string);
    await model.retire();
  });
});

describe("a skl2onnx classifier without keel metadata", () => {
  test("is served with features x0..x2 and class probabilities", async () => {
    const model = await loadOnnxModel(skl2onnxClassifier(), { identity });
    const predictions = await predictRows(model, [
      { x0: 2, x1: 0, x2: 5 },
      { x0: 0, x1: 1, x2: -5 },
    ]);
    expect(predictions[0]!.prediction).toBe("1");
    expect(predictions[0]!.probabilities!["1"]).toBeCloseTo(sigmoid(2), 5);
    expect(predictions[0]!.probabilities!["0"]).toBeCloseTo(1 - sigmoid(2), 5);
    expect(predictions[1]!.prediction).toBe("0");
    expect(predictions[1]!.probabilities!["1"]).toBeCloseTo(sigmoid(-1), 5);
    await model.retire();
  });
});

describe("a regression model", () => {
  test("decodes its float [N, 1] output to one number per row", async () => {
    const model = await loadOnnxModel(floatRegressor(2), { identity });
    const predictions = await predictRows(model, [
      { a: 1.5, b: 2 },
      { a: -1, b: 0.25 },
      { a: 0, b: 0 },
    ]);
    expect(predictions).toEqual([{ prediction: 5 }, { prediction: -1.75 }, { prediction: 0 }]);
    await model.retire();
  });

  test("concurrent callers each get their own rows back", async () => {
    const model = await loadOnnxModel(floatRegressor(1), { identity });
    const results = await Promise.all(
      [1, 2, 3].map((i) =>
        predictRows(model, [
          { a: i, b: 0 },
          { a: i, b: 100 },
        ]),
      ),
    );
    expect(results.map((rows) => rows.map((r) => r.prediction))).toEqual([
      [1, 101],
      [2, 102],
      [3, 103],
    ]);
    await model.retire();
  });
});

describe("a model over one int64 matrix", () => {
  test("is served with features x0..x2, whole numbers fed as int64", async () => {
    const model = await loadOnnxModel(int64MatrixRegressor(), { identity });
    expect(model.signature.inputs).toEqual({ layout: "matrix", name: "input", element: "int64" });
    expect(await predictRows(model, [{ x0: 1, x1: 2, x2: 3 }])).toEqual([{ prediction: 6 }]);
    await model.retire();
  });
});

describe("unloadable files are refused with INVALID_MODEL", () => {
  test.each([
    ["empty bytes", () => new Uint8Array()],
    ["garbage bytes", () => new TextEncoder().encode("garbage, not a model")],
    ["a ZipMap classifier", zipMapClassifier],
    ["a graph with an operator onnxruntime does not know", unknownOperatorModel],
  ])("%s", async (_, bytes) => {
    const error = await caughtAppError(() => loadOnnxModel(bytes(), { identity }));
    expect(error.code).toBe("INVALID_MODEL");
  });
});

describe("retire", () => {
  test("lets a prediction in flight finish, then releases the model", async () => {
    const model = await loadOnnxModel(floatRegressor(3), { identity });
    const events: string[] = [];
    const inFlight = predictRows(model, [{ a: 1, b: 1 }]).then((p) => {
      events.push("prediction");
      return p;
    });
    const retired = model.retire().then(() => events.push("retired"));
    expect(await inFlight).toEqual([{ prediction: 4 }]);
    await retired;
    expect(events).toEqual(["prediction", "retired"]);
  });

  test("refuses new predictions with 503 NOT_READY", async () => {
    const model = await loadOnnxModel(floatRegressor(), { identity });
    await model.retire();
    const error = await caughtAppError(() => predictRows(model, [{ a: 1, b: 1 }]));
    expect(error.code).toBe("NOT_READY");
  });

  test("can be called more than once", async () => {
    const model = await loadOnnxModel(floatRegressor(), { identity });
    await Promise.all([model.retire(), model.retire()]);
    await model.retire();
  });
});
