import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SAMPLE_ROW, startTestKeel, type TestKeel, waitFor, waitReady } from "./harness.ts";

let keel: TestKeel;

beforeAll(async () => {
  keel = await startTestKeel();
  await waitReady(keel);
  await keel.post("/predict", SAMPLE_ROW);
}, 60_000);

afterAll(() => keel.stop());

describe("docs", () => {
  test("/docs serves Swagger UI and /docs/json documents every route", async () => {
    const ui = await keel.get("/docs");
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain("swagger-ui");
    const spec = await (await keel.get("/docs/json")).json();
    const paths = Object.keys(spec.paths);
    for (const path of [
      "/predict",
      "/health",
      "/ready",
      "/models",
      "/models/{name}/versions",
      "/models/{name}/versions/{version}",
      "/models/{name}/aliases/{alias}",
      "/reload-model",
      "/trigger",
      "/runs",
      "/runs/{id}",
      "/metrics",
    ]) {
      expect(paths).toContain(path);
    }
  });
});

describe("/metrics", () => {
  test("exports request counts and latency per route, predictions per version, model info and runs", async () => {
    const text = await (await keel.get("/metrics")).text();
    expect(text).toMatch(
      /keel_http_requests_total\{method="POST",route="\/predict",status="200"\} \d+/,
    );
    expect(text).toContain(
      'keel_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/predict"}',
    );
    expect(text).toMatch(/keel_predictions_total\{model="weather",version="1"\} [1-9]/);
    expect(text).toContain(
      'keel_model_info{model="weather",version="1",alias="prod",algorithm="logistic_regression"} 1',
    );
    expect(text).toContain('keel_training_runs_total{trigger="bootstrap",status="succeeded"} 1');
    expect(text).toContain("keel_process_resident_memory_bytes");
  });
});

describe("health", () => {
  test("/health is always up and /ready names the model in service", async () => {
    expect((await (await keel.get("/health")).json()).status).toBe("ok");
    expect((await (await keel.get("/ready")).json()).model).toEqual({
      name: "weather",
      version: 1,
    });
  });

  test("/ready is 503 while there is no model, and the process keeps serving errors cleanly", async () => {
    const empty = await startTestKeel({ KEEL_DATA_URL: "http://127.0.0.1:9/missing.csv" });
    try {
      const run = await waitFor(async () => {
        const { runs } = await (await empty.get("/runs")).json();
        return runs[0]?.status === "failed" ? runs[0] : undefined;
      }, "the bootstrap run to fail");
      expect(run.trigger).toBe("bootstrap");
      const ready = await empty.get("/ready");
      expect(ready.status).toBe(503);
      expect((await ready.json()).error.code).toBe("NOT_READY");
      expect((await empty.post("/predict", SAMPLE_ROW)).status).toBe(503);
      expect((await empty.get("/health")).status).toBe(200);
    } finally {
      await empty.stop();
    }
  });
});

describe("admin without a configured token", () => {
  test("is refused with 403 naming KEEL_ADMIN_TOKEN, unless KEEL_INSECURE_ADMIN=1", async () => {
    const locked = await startTestKeel({
      KEEL_ADMIN_TOKEN: "",
      KEEL_DATA_URL: "http://127.0.0.1:9/x.csv",
    });
    const open = await startTestKeel({
      KEEL_ADMIN_TOKEN: "",
      KEEL_INSECURE_ADMIN: "1",
      KEEL_DATA_URL: "http://127.0.0.1:9/x.csv",
    });
    try {
      await locked.retrainer.idle();
      await open.retrainer.idle();
      const refused = await locked.post("/trigger");
      expect(refused.status).toBe(403);
      expect((await refused.json()).error.message).toContain("KEEL_ADMIN_TOKEN");
      expect((await open.post("/trigger")).status).toBe(202);
    } finally {
      await locked.stop();
      await open.stop();
    }
  });
});
