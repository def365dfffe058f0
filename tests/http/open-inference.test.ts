import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SAMPLE_ROW, startTestKeel, type TestKeel, waitReady } from "./harness.ts";

let keel: TestKeel;

beforeAll(async () => {
  keel = await startTestKeel();
  await waitReady(keel);
}, 60_000);

afterAll(() => keel.stop());

const tensor = (name: string, data: unknown[]) => ({
  name,
  shape: [data.length],
  datatype: "FP64",
  data,
});

describe("Open Inference Protocol (V2)", () => {
  test("health and model metadata name one input per feature and the outputs", async () => {
    expect(await (await keel.get("/v2/health/live")).json()).toEqual({ live: true });
    expect(await (await keel.get("/v2/health/ready")).json()).toEqual({ ready: true });
    const meta = await (await keel.get("/v2/models/weather")).json();
    expect(meta).toMatchObject({ name: "weather", versions: ["1"], platform: "onnxruntime" });
    expect(meta.inputs.map((i: { name: string }) => i.name)).toEqual([
      "precipitation",
      "temp_max",
      "temp_min",
      "wind",
    ]);
    expect(meta.outputs).toEqual([
      { name: "label", datatype: "BYTES", shape: [-1] },
      { name: "probabilities", datatype: "FP64", shape: [-1, 5] },
    ]);
  });

  test("infer answers the same labels and probabilities as /predict", async () => {
    const rainy = { ...SAMPLE_ROW, precipitation: 30 };
    const res = await keel.post("/v2/models/weather/infer", {
      id: "req-1",
      inputs: Object.keys(SAMPLE_ROW).map((name) =>
        tensor(name, [
          SAMPLE_ROW[name as keyof typeof SAMPLE_ROW],
          rainy[name as keyof typeof rainy],
        ]),
      ),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ model_name: "weather", model_version: "1", id: "req-1" });
    const [labels, probabilities] = body.outputs;
    const expected = await (await keel.post("/predict", { instances: [SAMPLE_ROW, rainy] })).json();
    expect(labels.data).toEqual(
      expected.predictions.map((p: { prediction: string }) => p.prediction),
    );
    expect(probabilities.shape).toEqual([2, 5]);
    expect(probabilities.data.slice(0, 5)).toEqual(
      Object.values(expected.predictions[0].probabilities),
    );
  });

  test("a missing input, a ragged shape and an unknown model are clear errors", async () => {
    const missing = await keel.post("/v2/models/weather/infer", { inputs: [tensor("wind", [1])] });
    expect(missing.status).toBe(422);
    const ragged = await keel.post("/v2/models/weather/infer", {
      inputs: [
        ...["precipitation", "temp_max", "temp_min"].map((name) => tensor(name, [1, 2])),
        { name: "wind", shape: [2], datatype: "FP64", data: [1] },
      ],
    });
    expect(ragged.status).toBe(400);
    expect((await keel.get("/v2/models/other")).status).toBe(404);
    expect((await keel.post("/v2/models/weather/infer", { inputs: "x" })).status).toBe(400);
  });
});
