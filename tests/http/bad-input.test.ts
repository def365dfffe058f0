import { afterAll, beforeAll, expect, test } from "bun:test";
import { ADMIN_TOKEN, startTestKeel, type TestKeel, waitReady } from "./harness.ts";

let keel: TestKeel;

beforeAll(async () => {
  keel = await startTestKeel();
  await waitReady(keel);
}, 60_000);

afterAll(() => keel.stop());

const BODIES: (string | Uint8Array)[] = [
  "",
  "{",
  "null",
  "[]",
  "42",
  '"text"',
  "{}",
  '{"instances": null}',
  '{"instances": [null, 1, "x", []]}',
  '{"instances": {"a": 1}}',
  '{"precipitation": {"nested": true}, "temp_max": [], "temp_min": null, "wind": false}',
  '{"__proto__": {"polluted": true}, "precipitation": 1, "temp_max": 1, "temp_min": 1, "wind": 1}',
  '{"version": -1}',
  '{"version": 1.5}',
  '{"inputs": [{"name": "wind", "shape": [-1], "datatype": "FP64", "data": [1]}]}',
  '{"data_url": ""}',
  '{"target": "github"}',
  new Uint8Array([0xff, 0xfe, 0x00, 0x81, 0x7b]),
  `{"precipitation": ${"9".repeat(400)}, "temp_max": 1, "temp_min": 1, "wind": 1}`,
];

const ROUTES: [string, string][] = [
  ["POST", "/predict"],
  ["POST", "/v2/models/weather/infer"],
  ["PUT", "/models/weather/aliases/prod"],
  ["POST", "/models/weather/versions"],
  ["POST", "/trigger"],
  ["POST", "/reload-model"],
  ["GET", "/runs?limit=abc"],
  ["GET", "/models/%00/versions/1"],
  ["DELETE", "/models/weather/aliases/%20"],
];

test("no malformed request to any route answers a 5xx, and the service keeps serving", async () => {
  for (const [method, path] of ROUTES) {
    for (const body of BODIES) {
      for (const contentType of ["application/json", "text/plain", "application/octet-stream"]) {
        const res = await fetch(`${keel.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": contentType },
          body: method === "GET" ? undefined : body,
        });
        const text = await res.text();
        if (res.status >= 500)
          throw new Error(
            `${method} ${path} ${contentType} ${String(body).slice(0, 60)} → ${res.status} ${text}`,
          );
        expect(JSON.parse(text)).toBeDefined();
      }
    }
  }
  await keel.retrainer.idle();
  expect((await keel.get("/ready")).status).toBe(200);
}, 60_000);
