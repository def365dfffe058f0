// A user's CSV with a text column, end to end through the real service: the
// bundled passwords data trains on first start, /predict takes the raw string
// (and refuses bad text clearly), drift on the text is measured and reported,
// and a retrain promotes a new version.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { MAX_TEXT_CHARS } from "../../src/data/text.ts";
import { startTestKeel, type TestKeel, waitForRun, waitReady } from "./harness.ts";

// Copied away from its spec file, so the text column must be recognised, not declared.
const dir = mkdtempSync(join(tmpdir(), "keel-text-"));
const PASSWORDS = join(dir, "passwords.csv");
copyFileSync(resolve(import.meta.dir, "../../data/passwords.csv"), PASSWORDS);
let keel: TestKeel;

beforeAll(async () => {
  keel = await startTestKeel({
    KEEL_DATA_URL: PASSWORDS,
    KEEL_TARGET: "Times",
    KEEL_DRIFT_MIN_ROWS: "50",
    KEEL_PROMOTE_TOLERANCE: "1",
  });
  await waitReady(keel);
}, 60_000);

afterAll(async () => {
  await keel.stop();
  rmSync(dir, { recursive: true, force: true });
});

const predict = (body: unknown) => keel.post("/predict", body);

test("the text column is found without being declared, and the model serves raw strings", async () => {
  const version = (await (await keel.get("/models/passwords/versions/1")).json()) as {
    signature: { features: { name: string; type: string }[] };
  };
  expect(version.signature.features).toMatchObject([{ name: "Password", type: "text" }]);
  const weak = (await (await predict({ Password: "password" })).json()) as { prediction: number };
  const strong = (await (await predict({ Password: "t2ci8I3PQnDiW97#" })).json()) as {
    prediction: number;
  };
  expect(strong.prediction).toBeGreaterThan(weak.prediction + 5);
});

test("a number is read as its string form; empty text is a missing value", async () => {
  const asNumber = await (await predict({ Password: 123456 })).json();
  const asString = await (await predict({ Password: "123456" })).json();
  expect(asNumber.prediction).toBe(asString.prediction);
  expect((await predict({ Password: "" })).status).toBe(200);
  expect((await predict({ Password: null })).status).toBe(200);
});

test("too long, not a scalar, or not UTF-8: a clear 4xx, never a 500", async () => {
  const long = await predict({ Password: "x".repeat(MAX_TEXT_CHARS + 1) });
  expect(long.status).toBe(422);
  expect((await long.json()).error.message).toContain(`limited to ${MAX_TEXT_CHARS}`);
  expect((await predict({ Password: { nested: 1 } })).status).toBe(422);
  const bytes = new Uint8Array([
    ...Buffer.from('{"Password": "ab'),
    0xff,
    0xfe,
    ...Buffer.from('"}'),
  ]);
  const invalid = await fetch(`${keel.url}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: bytes,
  });
  expect(invalid.status).toBe(400);
  expect((await invalid.json()).error.message).toContain("not valid UTF-8");
});

test("digits-only traffic drifts the text feature, with its length test, and a retrain promotes", async () => {
  const instances = Array.from({ length: 200 }, (_, i) => ({
    Password: String(100000 + i * 7919),
  }));
  expect((await predict({ instances })).status).toBe(200);
  await Bun.sleep(400);
  const check = (await (await keel.admin("POST", "/drift/check")).json()) as {
    drifted_features: string[];
    features: { feature: string; type: string; length?: { drifted: boolean } }[];
  };
  expect(check.drifted_features).toEqual(["Password"]);
  expect(check.features[0]!.type).toBe("text");
  expect(check.features[0]!.length?.drifted).toBe(true);
  const { run_id } = await (await keel.admin("POST", "/trigger")).json();
  const run = (await waitForRun(keel, run_id)) as { status: string; version: number };
  expect(run.status).toBe("succeeded");
  expect(run.version).toBe(2);
});
