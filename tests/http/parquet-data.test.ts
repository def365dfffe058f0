// The service on parquet: trained from a KEEL_DATA_URL that serves a parquet
// file the way an object store does, and a drift reference uploaded as a
// parquet body. A corrupt body is a 422 naming the problem, never a 500.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeWeatherParquet } from "../helpers/parquet.ts";
import { ADMIN_TOKEN, startTestKeel, type TestKeel, tempHome, waitReady } from "./harness.ts";
import { drifted, replay, sample, weatherRows } from "./weather-traffic.ts";

let lake: ReturnType<typeof Bun.serve>;
let keel: TestKeel;
let shifted: Uint8Array;

beforeAll(async () => {
  const home = tempHome();
  const weather = readFileSync(await writeWeatherParquet(join(home, "w.parquet"), weatherRows()));
  shifted = readFileSync(
    await writeWeatherParquet(join(home, "shifted.parquet"), drifted(weatherRows()), {
      compression: "GZIP",
    }),
  );
  lake = Bun.serve({
    port: 0,
    fetch: () => new Response(weather, { headers: { "content-type": "application/octet-stream" } }),
  });
  keel = await startTestKeel(
    {
      KEEL_DATA_URL: `http://127.0.0.1:${lake.port}/exports/weather.parquet`,
      KEEL_TARGET: "weather",
      KEEL_TIME_COLUMN: "date",
      KEEL_DRIFT_MIN_ROWS: "50",
    },
    home,
  );
  await waitReady(keel);
}, 60_000);

afterAll(async () => {
  await keel.stop();
  lake.stop(true);
});

const putReference = (body: Uint8Array, contentType = "application/vnd.apache.parquet") =>
  fetch(`${keel.url}/drift/reference`, {
    method: "PUT",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": contentType },
    body,
  });

describe("KEEL_DATA_URL naming a parquet file", () => {
  test("trains the first model from it, the run recording the format and the time column", async () => {
    const { runs } = await (await keel.get("/runs")).json();
    expect(runs[0].dataset).toMatchObject({ format: "parquet", rows: 1461 });
    expect(runs[0].dataset.schema).toContainEqual({
      name: "date",
      type: "datetime",
      role: "time",
    });
    const answer = await keel.post("/predict", {
      precipitation: 12,
      temp_max: 9,
      temp_min: 4,
      wind: 5,
    });
    expect(answer.status).toBe(200);
    expect((await answer.json()).model).toMatchObject({ name: "weather", version: 1 });
  });
});

describe("PUT /drift/reference with a parquet body", () => {
  test("replaces the reference, by Content-Type or by the magic bytes alone", async () => {
    const typed = await putReference(shifted);
    expect(typed.status).toBe(200);
    expect((await typed.json()).reference.rows).toBe(1461);
    const sniffed = await putReference(shifted, "application/octet-stream");
    expect(sniffed.status).toBe(200);
    await replay(keel, sample(drifted(weatherRows()), 120, 9));
    const report = await (await keel.admin("POST", "/drift/check")).json();
    expect(report.reference.source).toBe("upload");
    expect(report.dataset_drift).toBe(false);
  });

  test("a corrupt body is a 422 naming what is wrong", async () => {
    const cut = await putReference(shifted.subarray(0, shifted.byteLength - 40));
    expect(cut.status).toBe(422);
    const error = (await cut.json()).error;
    expect(error.code).toBe("INVALID_DATA");
    expect(error.message).toContain("Parquet the body cannot be read (corrupt or truncated?)");
    const garbage = await putReference(new TextEncoder().encode("PAR1 not a parquet file PAR1"));
    expect(garbage.status).toBe(422);
  });
});
