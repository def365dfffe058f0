// `keel simulate` against a real keel: rows go in, labels follow, drift shows.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestKeel, type TestKeel, waitReady } from "../http/harness.ts";
import { keelCli } from "./run-cli.ts";

describe("keel simulate", () => {
  let keel: TestKeel;
  beforeAll(async () => {
    keel = await startTestKeel({ KEEL_DRIFT_MIN_ROWS: "50" });
    await waitReady(keel);
  });
  afterAll(() => keel.stop());

  test("replays drifted rows at a rate with feedback, then stops by itself", async () => {
    const run = await keelCli([
      "simulate",
      "--url",
      keel.url,
      "--rate",
      "150",
      "--duration",
      "1",
      "--feedback",
      "--drift",
      "temp_max:shift=3,temp_min:shift=3,precipitation:scale=3",
      "--json",
    ]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.out);
    expect(summary.sent).toBeGreaterThan(100);
    expect(summary.sent).toBeLessThanOrEqual(151);
    expect(summary.ok).toBe(summary.sent);
    expect(summary.feedback).toBe(summary.sent);
    const quality = await (await keel.get("/quality")).json();
    expect(quality.labelled_rows).toBe(summary.sent);
    const report = await (await keel.admin("POST", "/drift/check")).json();
    expect(report.dataset_drift).toBe(true);
  }, 30_000);

  test("bad options and an unreachable service: one line, exit 2", async () => {
    const badDrift = await keelCli(["simulate", "--url", keel.url, "--drift", "temp_max:jump=2"]);
    expect(badDrift.code).toBe(2);
    expect(badDrift.err).toContain("unknown distortion");
    const unreachable = await keelCli(["simulate", "--url", "http://127.0.0.1:9"]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.err).toContain("cannot reach");
    expect(unreachable.err.trim().split("\n")).toHaveLength(1);
  });
});
