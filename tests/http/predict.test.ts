import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SAMPLE_ROW, startTestKeel, type TestKeel, waitReady } from "./harness.ts";

let keel: TestKeel;

beforeAll(async () => {
  keel = await startTestKeel({ KEEL_MAX_BODY_BYTES: "65536", KEEL_MAX_BATCH_ROWS: "500" });
  await waitReady(keel);
}, 60_000);

afterAll(() => keel.stop());

describe("POST /predict", () => {
  test("one row answers a class, its probabilities, the model and a prediction id", async () => {
    const res = await keel.post("/predict", SAMPLE_ROW);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(["drizzle", "fog", "rain", "snow", "sun"]).toContain(body.prediction);
    const probabilities = Object.values(body.probabilities) as number[];
    expect(probabilities).toHaveLength(5);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(body.model).toEqual({ name: "weather", version: 1 });
    expect(body.prediction_id).toMatch(/^[0-9a-f]{16}-[0-9a-z]{6,}$/);
  });

  test("a batch of instances answers one prediction and one id per row, in order", async () => {
    const rainy = { ...SAMPLE_ROW, precipitation: 40 };
    const res = await keel.post("/predict", { instances: [SAMPLE_ROW, rainy, SAMPLE_ROW] });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.predictions).toHaveLength(3);
    expect(body.prediction_ids).toHaveLength(3);
    expect(new Set(body.prediction_ids).size).toBe(3);
    expect(body.predictions[0]).toEqual(body.predictions[2]);
    const single = await (await keel.post("/predict", rainy)).json();
    expect(body.predictions[1].prediction).toBe(single.prediction);
  });

  test("null is a missing value the model imputes", async () => {
    const res = await keel.post("/predict", { ...SAMPLE_ROW, wind: null });
    expect(res.status).toBe(200);
  });

  test("the answer does not depend on the Content-Type the client sent", async () => {
    const res = await fetch(`${keel.url}/predict`, {
      method: "POST",
      body: JSON.stringify(SAMPLE_ROW),
    });
    expect(res.status).toBe(200);
  });

  test("malformed JSON is a 400 that says so", async () => {
    const res = await keel.post("/predict", '{"precipitation": 0.5,');
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe("MALFORMED_JSON");
    expect(body.error.message).toContain("not valid JSON");
  });

  test("an empty body and a non-object body are 400s", async () => {
    expect((await keel.post("/predict", "")).status).toBe(400);
    expect((await keel.post("/predict", "[1,2]")).status).toBe(400);
    expect((await keel.post("/predict", { instances: "nope" })).status).toBe(400);
    expect((await keel.post("/predict", { instances: [] })).status).toBe(400);
  });

  test("missing, extra and wrongly typed features are a 422 naming each field", async () => {
    const res = await keel.post("/predict", {
      precipitation: "wet",
      temp_max: 10,
      wind: true,
      colour: "red",
    });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error.code).toBe("INVALID_INPUT");
    const fields = body.error.details.fields.map((f: { field: string }) => f.field).sort();
    expect(fields).toEqual(["colour", "precipitation", "temp_min", "wind"]);
    expect(body.error.message).toContain('feature "temp_min" is missing');
  });

  test("a non-finite number is a 422", async () => {
    const res = await keel.post(
      "/predict",
      '{"precipitation": 1e999, "temp_max": 1, "temp_min": 0, "wind": 1}',
    );
    expect(res.status).toBe(422);
    expect((await res.json()).error.details.fields[0]).toEqual({
      field: "precipitation",
      problem: "must be a finite number",
    });
  });

  test("bad rows in a batch are reported with their row index", async () => {
    const res = await keel.post("/predict", {
      instances: [SAMPLE_ROW, { ...SAMPLE_ROW, wind: "x" }],
    });
    expect(res.status).toBe(422);
    expect((await res.json()).error.details.fields).toEqual([
      { row: 1, field: "wind", problem: "must be a number or null, got a string" },
    ]);
  });

  test("a body over KEEL_MAX_BODY_BYTES is a 413 JSON error", async () => {
    const huge = JSON.stringify({ ...SAMPLE_ROW, pad: "x".repeat(70_000) });
    const res = await keel.post("/predict", huge);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  test("more instances than KEEL_MAX_BATCH_ROWS is a 413", async () => {
    const res = await keel.post("/predict", {
      instances: Array.from({ length: 501 }, () => SAMPLE_ROW),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toContain("KEEL_MAX_BATCH_ROWS");
  });

  test("every answer, success or error, carries an x-request-id, echoing the client's", async () => {
    const ok = await keel.post("/predict", SAMPLE_ROW, { "x-request-id": "abc-123" });
    expect(ok.headers.get("x-request-id")).toBe("abc-123");
    const bad = await keel.post("/predict", "{");
    expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f]{16}-[0-9a-z]{6,}$/);
    const missing = await keel.get("/no-such-route");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-request-id")).toBeTruthy();
    expect((await missing.json()).error.code).toBe("NOT_FOUND");
  });

  test("concurrent requests all get their own answer", async () => {
    const rows = Array.from({ length: 64 }, (_, i) => ({ ...SAMPLE_ROW, precipitation: i }));
    const answers = await Promise.all(
      rows.map((row) => keel.post("/predict", row).then((r) => r.json())),
    );
    const batch = await (await keel.post("/predict", { instances: rows })).json();
    expect(answers.map((a) => a.prediction)).toEqual(
      batch.predictions.map((p: { prediction: string }) => p.prediction),
    );
  });
});
