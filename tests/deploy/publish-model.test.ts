// The retrain workflow's publish step (.github/scripts/publish-model.ts)
// against a real keel: upload, promote, job summary; and bounded wake-up retries.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BUNDLED_DATA } from "../../src/config.ts";
import { keelCli } from "../cli/run-cli.ts";
import { runProcess } from "../helpers/run-process.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";
import { ADMIN_TOKEN, startTestKeel, type TestKeel, waitReady } from "../http/harness.ts";

const ROOT = resolve(import.meta.dir, "../..");
const SCRIPT = join(ROOT, ".github/scripts/publish-model.ts");
const tempDir = useTempDirs();

let keel: TestKeel;
beforeAll(async () => {
  keel = await startTestKeel();
  await waitReady(keel);
});
afterAll(() => keel.stop());

function publish(env: Record<string, string>) {
  return runProcess([process.execPath, SCRIPT], { env: { PATH: process.env.PATH ?? "", ...env } });
}

test("uploads the trained model, moves prod and writes the metrics summary", async () => {
  const dir = tempDir();
  await keelCli([
    "train",
    "--data",
    BUNDLED_DATA,
    "--out",
    join(dir, "model.onnx"),
    "--report",
    join(dir, "report.json"),
  ]);
  const summary = join(dir, "summary.md");
  const result = await publish({
    KEEL_URL: keel.url,
    KEEL_ADMIN_TOKEN: ADMIN_TOKEN,
    KEEL_MODEL_NAME: "weather",
    MODEL_FILE: join(dir, "model.onnx"),
    REPORT_FILE: join(dir, "report.json"),
    PROMOTE: "yes",
    GITHUB_STEP_SUMMARY: summary,
  });
  expect(result.code).toBe(0);
  expect(result.out).toContain("registered weather version 2");
  const alias = await (await keel.get("/models/weather/aliases/prod")).json();
  expect(alias.version).toBe(2);
  const text = readFileSync(summary, "utf8");
  expect(text).toContain("weather version 2 — promoted to prod");
  expect(text).toMatch(/\| accuracy \| 0\.\d+ \|/);
});

test("gives up after its bounded wake-up retries with a clear line", async () => {
  const result = await publish({
    KEEL_URL: "http://127.0.0.1:9",
    KEEL_ADMIN_TOKEN: "x",
    KEEL_MODEL_NAME: "weather",
    WAKE_ATTEMPTS: "2",
    WAKE_DELAY_S: "0.05",
    REPORT_FILE: join(ROOT, "package.json"),
  });
  expect(result.code).toBe(1);
  expect(result.out).toContain("attempt 1/2");
  expect(result.err.trim()).toBe(
    "publish-model: http://127.0.0.1:9 did not answer /health after 2 attempts",
  );
});
