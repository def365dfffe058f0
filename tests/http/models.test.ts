import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { skl2onnxClassifier, zipMapClassifier } from "../helpers/onnx-models.ts";
import {
  ADMIN_TOKEN,
  SAMPLE_ROW,
  startTestKeel,
  type TestKeel,
  waitForRun,
  waitReady,
} from "./harness.ts";

let keel: TestKeel;
let v1Bytes: Uint8Array;

beforeAll(async () => {
  keel = await startTestKeel();
  await waitReady(keel);
  v1Bytes = new Uint8Array(
    await (await keel.get("/models/weather/versions/1/artifact")).arrayBuffer(),
  );
}, 60_000);

afterAll(() => keel.stop());

const upload = (bytes: Uint8Array, name = "weather", headers: Record<string, string> = {}) =>
  fetch(`${keel.url}/models/${name}/versions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      "content-type": "application/octet-stream",
      ...headers,
    },
    body: bytes,
  });

describe("registry reads", () => {
  test("GET /models lists the model with its aliases", async () => {
    const { models } = await (await keel.get("/models")).json();
    expect(models).toEqual([
      expect.objectContaining({ name: "weather", latest_version: 1, aliases: { prod: 1 } }),
    ]);
  });

  test("a version shows its signature, metrics, artifact digest and producing run", async () => {
    const version = await (await keel.get("/models/weather/versions/1")).json();
    expect(version.source).toBe("trained");
    expect(version.algorithm).toBe("logistic_regression");
    expect(version.aliases).toEqual(["prod"]);
    expect(version.signature.features.map((f: { name: string }) => f.name)).toEqual([
      "precipitation",
      "temp_max",
      "temp_min",
      "wind",
    ]);
    expect(version.signature.classes).toEqual(["drizzle", "fog", "rain", "snow", "sun"]);
    expect(version.artifact.sha256).toBe(
      new Bun.CryptoHasher("sha256").update(v1Bytes).digest("hex"),
    );
    expect(version.run_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(version.metrics.accuracy).toBeGreaterThan(0);
  });

  test("unknown models, versions and aliases are 404s that name them", async () => {
    const model = await keel.get("/models/nope/versions");
    expect(model.status).toBe(404);
    expect((await model.json()).error.message).toBe("Registered model (name=nope) not found");
    const version = await keel.get("/models/weather/versions/99");
    expect(version.status).toBe(404);
    expect((await version.json()).error.message).toBe(
      "Model version (name=weather, version=99) not found",
    );
    expect((await keel.get("/models/weather/aliases/staging")).status).toBe(404);
    expect((await keel.get("/models/weather/versions/abc")).status).toBe(400);
  });
});

describe("uploading a model", () => {
  test("an ONNX file registers as a new version without moving any alias", async () => {
    const res = await upload(v1Bytes);
    expect(res.status).toBe(201);
    const version = await res.json();
    expect(version).toMatchObject({ name: "weather", version: 2, source: "uploaded", aliases: [] });
    expect(version.run_id).toBe(
      (await (await keel.get("/models/weather/versions/1")).json()).run_id,
    );
    expect((await (await keel.post("/predict", SAMPLE_ROW)).json()).model.version).toBe(1);
  });

  test("multipart uploads with a file field work too", async () => {
    const form = new FormData();
    form.append("file", new Blob([v1Bytes]), "model.onnx");
    const res = await fetch(`${keel.url}/models/other/versions`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: form,
    });
    expect(res.status).toBe(201);
    expect((await res.json()).version).toBe(1);
  });

  test("bytes that are not an ONNX model are refused with 422 and nothing is registered", async () => {
    const before = (await (await keel.get("/models/weather/versions")).json()).versions.length;
    const res = await upload(new TextEncoder().encode("definitely not onnx"));
    expect(res.status).toBe(422);
    expect((await res.json()).error.code).toBe("INVALID_MODEL");
    const truncated = await upload(v1Bytes.slice(0, v1Bytes.length / 2));
    expect(truncated.status).toBe(422);
    const empty = await upload(new Uint8Array());
    expect(empty.status).toBe(422);
    expect((await (await keel.get("/models/weather/versions")).json()).versions.length).toBe(
      before,
    );
  });

  test("a skl2onnx classifier exported with ZipMap is refused with how to export it instead", async () => {
    const res = await upload(zipMapClassifier());
    expect(res.status).toBe(422);
    const { error } = await res.json();
    expect(error.code).toBe("INVALID_MODEL");
    expect(error.message).toContain("'zipmap': False");
  });

  test("a skl2onnx classifier exported without ZipMap is registered and its signature read", async () => {
    const res = await upload(skl2onnxClassifier({ bias: 0.5 }), "external");
    expect(res.status).toBe(201);
    const version = await res.json();
    expect(version.signature.features.map((f: { name: string }) => f.name)).toEqual([
      "x0",
      "x1",
      "x2",
    ]);
    expect(version.signature.task).toBe("classification");
  });

  test("uploading needs the admin token", async () => {
    const res = await fetch(`${keel.url}/models/weather/versions`, {
      method: "POST",
      body: v1Bytes,
    });
    expect(res.status).toBe(401);
  });
});

describe("moving aliases", () => {
  test("PUT prod swaps the served version at once and audits the move", async () => {
    const res = await keel.admin("PUT", "/models/weather/aliases/prod", {
      version: 2,
      reason: "canary looked fine",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      from_version: 1,
      to_version: 2,
      actor: "admin",
      reason: "canary looked fine",
    });
    expect((await (await keel.post("/predict", SAMPLE_ROW)).json()).model.version).toBe(2);
    const back = await keel.admin("PUT", "/models/weather/aliases/prod", { version: 1 });
    expect(back.status).toBe(200);
    expect((await (await keel.post("/predict", SAMPLE_ROW)).json()).model.version).toBe(1);
    const alias = await (await keel.get("/models/weather/aliases/prod")).json();
    expect(alias.history.slice(0, 2).map((e: { to_version: number }) => e.to_version)).toEqual([
      1, 2,
    ]);
  });

  test("other aliases move without touching serving and can be deleted", async () => {
    expect(
      (await keel.admin("PUT", "/models/weather/aliases/staging", { version: 2 })).status,
    ).toBe(200);
    expect((await (await keel.post("/predict", SAMPLE_ROW)).json()).model.version).toBe(1);
    const deleted = await keel.admin("DELETE", "/models/weather/aliases/staging");
    expect(deleted.status).toBe(200);
    expect((await deleted.json()).to_version).toBe(null);
    expect((await keel.get("/models/weather/aliases/staging")).status).toBe(404);
  });

  test("the serving alias cannot be deleted (409), and bad moves are refused", async () => {
    expect((await keel.admin("DELETE", "/models/weather/aliases/prod")).status).toBe(409);
    expect((await keel.admin("PUT", "/models/weather/aliases/prod", { version: 42 })).status).toBe(
      404,
    );
    expect(
      (await keel.admin("PUT", "/models/weather/aliases/prod", { version: "two" })).status,
    ).toBe(400);
    expect((await keel.admin("PUT", "/models/weather/aliases/prod", "{oops")).status).toBe(400);
    expect(
      (await keel.admin("PUT", "/models/weather/aliases/bad%20name", { version: 1 })).status,
    ).toBe(400);
  });

  test("POST /reload-model loads what prod points at", async () => {
    const res = await keel.admin("POST", "/reload-model");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ reloaded: true, alias: "prod", version: 1 });
  });
});

describe("a rejected challenger", () => {
  test("is registered without the alias, and the run says why", async () => {
    // Six weeks of winter cannot beat a model that saw four years of weather.
    const lines = (await Bun.file("data/seattle-weather.csv").text()).split("\n");
    const path = `${keel.home}/winter.csv`;
    await Bun.write(path, `${lines.slice(0, 43).join("\n")}\n`);
    const { run_id } = await (await keel.admin("POST", "/trigger", { data_url: path })).json();
    const run = await waitForRun(keel, run_id);
    expect(run).toMatchObject({ status: "rejected", decision: "rejected" });
    expect(run.reason).toContain("challenger is worse");
    const version = await (await keel.get(`/models/weather/versions/${run.version}`)).json();
    expect(version.aliases).toEqual([]);
    expect((await (await keel.post("/predict", SAMPLE_ROW)).json()).model.version).toBe(1);
  });
});
