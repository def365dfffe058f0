// Run tracking over a real SQLite file: run lifecycle, params, metric series,
// searching and counting.

import type { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openStore } from "../../src/store/sqlite.ts";
import { createSqliteTracking } from "../../src/tracking/sqlite-tracking.ts";
import type { Tracking } from "../../src/tracking/tracking.ts";
import { caughtAppError } from "../helpers/app-error.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";

const tempDir = useTempDirs("keel-tracking-");
const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function openTracking(home = tempDir()): Tracking {
  const db = openStore(join(home, "keel.db"));
  open.push(db);
  return createSqliteTracking({ db });
}

describe("a run", () => {
  test("is created running, with its params and no metrics", () => {
    const tracking = openTracking();
    const run = tracking.createRun({ modelName: "weather", trigger: "api", params: { C: 1 } });
    expect(run).toMatchObject({
      modelName: "weather",
      trigger: "api",
      status: "running",
      finishedAt: null,
      durationMs: null,
      params: { C: 1 },
      metrics: {},
      version: null,
      decision: null,
    });
    expect(Number.isNaN(Date.parse(run.startedAt))).toBe(false);
    expect(tracking.getRun(run.id)).toEqual(run);
  });

  test("logParams merges into the params already logged", () => {
    const tracking = openTracking();
    const { id } = tracking.createRun({
      modelName: "weather",
      trigger: "cli",
      params: { C: 1, tol: 0.001 },
    });
    tracking.logParams(id, { C: 0.5, solver: "lbfgs" });
    tracking.logParams(id, { converged: true });
    expect(tracking.getRun(id).params).toEqual({
      C: 0.5,
      tol: 0.001,
      solver: "lbfgs",
      converged: true,
    });
  });

  test("metricHistory returns a metric's series in step order, whatever order it was logged in", () => {
    const tracking = openTracking();
    const { id } = tracking.createRun({ modelName: "weather", trigger: "api" });
    tracking.logMetrics(id, { loss: 0.5 }, 3);
    tracking.logMetrics(id, { loss: 0.9 }, 1);
    tracking.logMetrics(id, { loss: 0.7, accuracy: 0.6 }, 2);
    const loss = tracking.metricHistory(id, "loss");
    expect(loss.map((p) => [p.step, p.value])).toEqual([
      [1, 0.9],
      [2, 0.7],
      [3, 0.5],
    ]);
    expect(loss.every((p) => p.key === "loss")).toBe(true);
    expect(tracking.metricHistory(id).map((p) => p.key)).toEqual([
      "accuracy",
      "loss",
      "loss",
      "loss",
    ]);
  });

  test("run.metrics holds the latest value of each metric", () => {
    const tracking = openTracking();
    const { id } = tracking.createRun({ modelName: "weather", trigger: "api" });
    tracking.logMetrics(id, { loss: 0.9 }, 1);
    tracking.logMetrics(id, { loss: 0.4 }, 2);
    tracking.logMetrics(id, { accuracy: 0.8, log_loss: 0.35 });
    expect(tracking.getRun(id).metrics).toEqual({ loss: 0.4, accuracy: 0.8, log_loss: 0.35 });
  });

  test("non-finite metric values are left out", () => {
    const tracking = openTracking();
    const { id } = tracking.createRun({ modelName: "weather", trigger: "api" });
    tracking.logMetrics(id, { roc_auc: Number.NaN, accuracy: 0.8, rmse: Number.POSITIVE_INFINITY });
    expect(tracking.getRun(id).metrics).toEqual({ accuracy: 0.8 });
  });

  test("logDataset and setProgress are kept on the run", () => {
    const tracking = openTracking();
    const { id } = tracking.createRun({ modelName: "weather", trigger: "api" });
    tracking.logDataset(id, { rows: 1461, sha256: "abc" });
    tracking.setProgress(id, { stage: "fit", step: 3, loss: 0.5 });
    const run = tracking.getRun(id);
    expect(run.dataset).toEqual({ rows: 1461, sha256: "abc" });
    expect(run.progress).toMatchObject({ stage: "fit", step: 3, loss: 0.5 });
  });

  test("finishRun sets status, duration, decision, reason and version", () => {
    const tracking = openTracking();
    const { id } = tracking.createRun({ modelName: "weather", trigger: "schedule" });
    const run = tracking.finishRun(id, {
      status: "succeeded",
      version: 4,
      decision: "promoted",
      reason: "challenger is not worse",
    });
    expect(run).toMatchObject({
      status: "succeeded",
      version: 4,
      decision: "promoted",
      reason: "challenger is not worse",
      error: null,
    });
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(run.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));
    expect(tracking.getRun(id)).toEqual(run);
  });

  test("a failed run keeps its error", () => {
    const tracking = openTracking();
    const { id } = tracking.createRun({ modelName: "weather", trigger: "api" });
    const run = tracking.finishRun(id, { status: "failed", error: "out of memory" });
    expect(run).toMatchObject({ status: "failed", error: "out of memory", version: null });
  });

  test("an unknown run id is a 404 naming the id", async () => {
    const tracking = openTracking();
    for (const action of [
      () => tracking.getRun("nope"),
      () => tracking.logParams("nope", { C: 1 }),
      () => tracking.logMetrics("nope", { loss: 1 }),
      () => tracking.metricHistory("nope"),
      () => tracking.finishRun("nope", { status: "failed" }),
    ]) {
      const error = await caughtAppError(action);
      expect(error.status).toBe(404);
      expect(error.code).toBe("RUN_NOT_FOUND");
      expect(error.message).toBe("Run (id=nope) not found");
    }
  });
});

describe("runs", () => {
  test("failInterruptedRuns marks every running run failed and returns their ids", () => {
    const tracking = openTracking();
    const a = tracking.createRun({ modelName: "weather", trigger: "api" });
    const b = tracking.createRun({ modelName: "weather", trigger: "schedule" });
    const done = tracking.createRun({ modelName: "weather", trigger: "cli" });
    tracking.finishRun(done.id, { status: "succeeded" });
    const ids = tracking.failInterruptedRuns("keel restarted during the run");
    expect(ids.toSorted()).toEqual([a.id, b.id].toSorted());
    for (const id of ids) {
      expect(tracking.getRun(id)).toMatchObject({
        status: "failed",
        reason: "keel restarted during the run",
        error: "keel restarted during the run",
      });
    }
    expect(tracking.getRun(done.id).status).toBe("succeeded");
    expect(tracking.failInterruptedRuns("again")).toEqual([]);
  });

  test("searchRuns lists newest first and filters by status and trigger", () => {
    const tracking = openTracking();
    const first = tracking.createRun({ modelName: "weather", trigger: "api" });
    const second = tracking.createRun({ modelName: "weather", trigger: "schedule" });
    const third = tracking.createRun({ modelName: "weather", trigger: "api" });
    tracking.finishRun(first.id, { status: "succeeded" });
    tracking.finishRun(second.id, { status: "rejected" });
    const ids = (runs: { id: string }[]) => runs.map((r) => r.id);
    expect(ids(tracking.searchRuns())).toEqual([third.id, second.id, first.id]);
    expect(ids(tracking.searchRuns({ trigger: "api" }))).toEqual([third.id, first.id]);
    expect(ids(tracking.searchRuns({ status: "running" }))).toEqual([third.id]);
    expect(ids(tracking.searchRuns({ status: "succeeded", trigger: "api" }))).toEqual([first.id]);
    expect(tracking.searchRuns({ status: "failed" })).toEqual([]);
  });

  test("searchRuns respects the limit", () => {
    const tracking = openTracking();
    const created = Array.from({ length: 5 }, () =>
      tracking.createRun({ modelName: "weather", trigger: "api" }),
    );
    const limited = tracking.searchRuns({ limit: 2 });
    expect(limited.map((r) => r.id)).toEqual([created[4]!.id, created[3]!.id]);
  });

  test("countByStatus counts every status, zero included", () => {
    const tracking = openTracking();
    const a = tracking.createRun({ modelName: "weather", trigger: "api" });
    const b = tracking.createRun({ modelName: "weather", trigger: "api" });
    tracking.createRun({ modelName: "weather", trigger: "api" });
    tracking.finishRun(a.id, { status: "succeeded" });
    tracking.finishRun(b.id, { status: "succeeded" });
    expect(tracking.countByStatus()).toEqual({
      running: 1,
      succeeded: 2,
      failed: 0,
      rejected: 0,
      dispatched: 0,
    });
  });

  test("a reopened database keeps runs and their metric series", () => {
    const home = tempDir();
    const tracking = openTracking(home);
    const { id } = tracking.createRun({ modelName: "weather", trigger: "api", params: { C: 2 } });
    tracking.logMetrics(id, { loss: 0.8 }, 1);
    tracking.logMetrics(id, { loss: 0.6 }, 2);
    const before = tracking.getRun(id);
    open.pop()!.close();
    const reopened = openTracking(home);
    expect(reopened.getRun(id)).toEqual(before);
    expect(reopened.metricHistory(id, "loss").map((p) => p.value)).toEqual([0.8, 0.6]);
  });
});
