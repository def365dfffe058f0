// loadConfig: the defaults, and a bad value stops start-up naming its variable.

import { describe, expect, test } from "bun:test";
import { join, resolve } from "node:path";
import { BUNDLED_DATA, loadConfig } from "../src/config.ts";
import { BUNDLED_SPEC } from "../src/data/bundled.ts";
import { caughtAppError } from "./helpers/app-error.ts";

describe("loadConfig", () => {
  test("an empty environment gives the documented defaults", () => {
    const config = loadConfig({});
    const home = resolve(".keel");
    expect(config).toMatchObject({
      port: 3000,
      host: "0.0.0.0",
      home,
      dbPath: join(home, "keel.db"),
      artifactsDir: join(home, "artifacts"),
      dataUrl: BUNDLED_DATA,
      serveAlias: "prod",
      insecureAdmin: false,
      maxBodyBytes: 16 * 1024 * 1024,
      maxBatchRows: 10_000,
      promoteTolerance: 0.01,
      testFraction: 0.2,
      seed: 42,
      trainTimeoutMs: 900_000,
      shutdownTimeoutMs: 10_000,
      logLevel: "info",
      logRequests: true,
    });
    expect(config.dataSpec).toBe(BUNDLED_SPEC);
    expect(config.drift).toMatchObject({
      minRows: 100,
      windowRows: 10_000,
      action: "none",
      retrainPolicy: "always",
    });
    expect(config.github).toMatchObject({
      workflow: "retrain.yml",
      ref: "main",
      apiUrl: "https://api.github.com",
    });
    for (const unset of [
      "target",
      "timeColumn",
      "modelName",
      "retrainCron",
      "adminToken",
    ] as const) {
      expect(config[unset]).toBeUndefined();
    }
  });

  test("the bundled data's spec applies only while the data is the bundled one", () => {
    expect(loadConfig({ KEEL_DATA_URL: "/data/mine.csv" }).dataSpec).toBeUndefined();
  });

  test("values are read, trimmed and typed", () => {
    const config = loadConfig({
      PORT: " 8080 ",
      KEEL_HOME: "/var/keel",
      KEEL_MODEL_NAME: "weather.v2",
      KEEL_INSECURE_ADMIN: "yes",
      KEEL_PROMOTE_TOLERANCE: "0.05",
      KEEL_TRAIN_TIMEOUT_S: "60",
      KEEL_LOG_LEVEL: "debug",
      KEEL_LOG_REQUESTS: "0",
      KEEL_ADMIN_TOKEN: "secret",
    });
    expect(config).toMatchObject({
      port: 8080,
      home: "/var/keel",
      dbPath: "/var/keel/keel.db",
      modelName: "weather.v2",
      insecureAdmin: true,
      promoteTolerance: 0.05,
      trainTimeoutMs: 60_000,
      logLevel: "debug",
      logRequests: false,
      adminToken: "secret",
    });
  });

  test("a blank value counts as unset", () => {
    expect(loadConfig({ PORT: "  ", KEEL_SERVE_ALIAS: "" })).toMatchObject({
      port: 3000,
      serveAlias: "prod",
    });
  });

  test.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "3.5"],
    ["KEEL_PROMOTE_TOLERANCE", "2"],
    ["KEEL_INSECURE_ADMIN", "maybe"],
    ["KEEL_LOG_LEVEL", "loud"],
    ["KEEL_MODEL_NAME", "a b"],
    ["KEEL_TEST_FRACTION", "0.9"],
    ["KEEL_MAX_BATCH_ROWS", "0"],
    ["KEEL_DRIFT_CRON", "every day"],
    ["KEEL_DRIFT_SHARE", "0"],
    ["KEEL_DRIFT_ACTION", "panic"],
    ["KEEL_RETRAIN_POLICY", "sometimes"],
    ["KEEL_WINDOW_ROWS", "5"],
    ["GITHUB_REPOSITORY", "not-a-repo"],
    ["GITHUB_API_URL", "ftp://example.com"],
  ])("%s=%p stops start-up with INVALID_CONFIG naming the variable", async (name, value) => {
    const error = await caughtAppError(() => loadConfig({ [name]: value }));
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toStartWith(`${name} `);
    expect(error.message).toContain(value);
  });
});
