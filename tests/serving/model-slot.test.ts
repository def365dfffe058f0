// ModelSlot: the handle requests predict through. A swap is atomic for new
// requests, predictions already started finish on the model they started on,
// and the replaced model is retired once they are done.

import { describe, expect, test } from "bun:test";
import type { FeatureColumns } from "../../src/serving/feature-columns.ts";
import { createModelSlot } from "../../src/serving/model-slot.ts";
import { loadOnnxModel, type OnnxModel } from "../../src/serving/onnx-model.ts";
import type { PredictionColumns } from "../../src/serving/tensors.ts";
import { caughtAppError } from "../helpers/app-error.ts";
import { floatRegressor, skl2onnxClassifier } from "../helpers/onnx-models.ts";
import { predictRows } from "../helpers/predict-rows.ts";

/** y = scale * a + b, registered as `weather` version `version`. */
const regressor = (version: number, scale: number) =>
  loadOnnxModel(floatRegressor(scale), { identity: { name: "weather", version } });

/**
 * Wraps a real model so its predictions only resolve when the test opens the gate,
 * and counts how often it is retired.
 */
function slowModel(inner: OnnxModel) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const state = { retireCalls: 0, started: 0 };
  const model: OnnxModel = {
    identity: inner.identity,
    signature: inner.signature,
    inspected: inner.inspected,
    async predict(columns: FeatureColumns): Promise<PredictionColumns> {
      state.started++;
      const predictions = await inner.predict(columns);
      await gate;
      return predictions;
    },
    retire() {
      state.retireCalls++;
      return inner.retire();
    },
  };
  return { model, state, open };
}

const values = (batch: { predictions: PredictionColumns }) => batch.predictions.values;

describe("an empty slot", () => {
  test("is not ready and answers predict with 503 NOT_READY", async () => {
    const slot = createModelSlot();
    expect(slot.isReady()).toBe(false);
    expect(slot.current()).toBeUndefined();
    const error = await caughtAppError(() => slot.predict([{ a: 1, b: 2 }]));
    expect(error.code).toBe("NOT_READY");
  });
});

describe("a slot with a model", () => {
  test("predicts through it and says which model answered", async () => {
    const slot = createModelSlot();
    const model = await regressor(1, 2);
    expect(slot.swap(model)).toBeUndefined();
    expect(slot.isReady()).toBe(true);
    expect(slot.current()).toBe(model);
    const batch = await slot.predict([{ a: 1, b: 1 }]);
    expect(batch.model).toBe(model);
    expect(values(batch)).toEqual([3]);
    await slot.close();
  });

  test("validates rows against the serving model's features (422)", async () => {
    const slot = createModelSlot();
    slot.swap(await regressor(1, 2));
    const error = await caughtAppError(() => slot.predict([{ a: 1, x0: 2 }]));
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.message).toContain('"b" is missing');
    slot.swap(
      await loadOnnxModel(skl2onnxClassifier(), { identity: { name: "iris", version: 1 } }),
    );
    const batch = await slot.predict([{ x0: 1, x1: 0, x2: 0 }]);
    expect(batch.predictions.values[0]).toBe("1");
    await slot.close();
  });
});

describe("swap", () => {
  test("returns the model it replaced and sends new predictions to the new one", async () => {
    const slot = createModelSlot();
    const old = await regressor(1, 2);
    const next = await regressor(2, 10);
    slot.swap(old);
    expect(slot.swap(next)).toBe(old);
    const batch = await slot.predict([{ a: 1, b: 0 }]);
    expect(batch.model.identity.version).toBe(2);
    expect(values(batch)).toEqual([10]);
    await slot.close();
  });

  test("a prediction started on the old model finishes on it; the old model is released afterwards", async () => {
    const slot = createModelSlot();
    const old = await regressor(1, 2);
    const next = await regressor(2, 10);
    slot.swap(old);
    const events: string[] = [];
    const started = slot.predict([{ a: 1, b: 0 }]).then((batch) => {
      events.push("old prediction");
      return batch;
    });
    slot.swap(next);
    const released = old.retire().then(() => events.push("old released"));
    const after = await slot.predict([{ a: 1, b: 0 }]);
    const before = await started;
    await released;
    expect(before.model).toBe(old);
    expect(values(before)).toEqual([2]);
    expect(after.model).toBe(next);
    expect(values(after)).toEqual([10]);
    expect(events).toEqual(["old prediction", "old released"]);
    const error = await caughtAppError(() => predictRows(old, [{ a: 1, b: 0 }]));
    expect(error.code).toBe("NOT_READY");
    await slot.close();
  });

  test("a slow prediction on the old model still answers from it after new ones were answered by the new model", async () => {
    const slot = createModelSlot();
    const slow = slowModel(await regressor(1, 2));
    const next = await regressor(2, 10);
    slot.swap(slow.model);
    const pending = slot.predict([{ a: 3, b: 0 }]);
    expect(slow.state.started).toBe(1);
    slot.swap(next);
    expect(slow.state.retireCalls).toBe(1);

    const fresh = await slot.predict([{ a: 3, b: 0 }]);
    expect(fresh.model).toBe(next);
    expect(values(fresh)).toEqual([30]);
    expect(slow.state.started).toBe(1);

    slow.open();
    const finished = await pending;
    expect(finished.model).toBe(slow.model);
    expect(values(finished)).toEqual([6]);
    expect(slow.state.retireCalls).toBe(1);
    await slot.close();
  });

  test("swapping in the model already serving does not retire it", async () => {
    const slot = createModelSlot();
    const slow = slowModel(await regressor(1, 2));
    slow.open();
    slot.swap(slow.model);
    slot.swap(slow.model);
    expect(slow.state.retireCalls).toBe(0);
    expect(values(await slot.predict([{ a: 1, b: 1 }]))).toEqual([3]);
    await slot.close();
  });
});

describe("close", () => {
  test("retires the serving model and empties the slot", async () => {
    const slot = createModelSlot();
    const slow = slowModel(await regressor(1, 2));
    slot.swap(slow.model);
    await slot.close();
    expect(slow.state.retireCalls).toBe(1);
    expect(slot.isReady()).toBe(false);
    const error = await caughtAppError(() => slot.predict([{ a: 1, b: 1 }]));
    expect(error.code).toBe("NOT_READY");
  });
});
