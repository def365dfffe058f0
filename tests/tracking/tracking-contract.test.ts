// The tracking contract, on SQLite and on PostgreSQL alike: run lifecycle,
// params merged in the database, metric series, one running training run per
// model across replicas, orphaned runs, searching and counting.

import { describe, expect, test } from "bun:test";
import type { NewRun, RunTrigger, Tracking } from "../../src/tracking/tracking.ts";
import { caughtAppError } from "../helpers/app-error.ts";
import { eachBackend, type OpenedStores } from "../helpers/store-backends.ts";

type RunOf<T extends RunTrigger> = NewRun & { trigger: T };

/** A dispatch run unless another trigger is given: many can run at once (training runs are one per model). */
function newRun<T extends RunTrigger = "ci">(
  owner: number,
  overrides: Partial<Omit<NewRun, "trigger">> & { trigger?: T } = {},
): RunOf<T> {
  return { modelName: "weather", trigger: "ci" as T, owner, ...overrides } as RunOf<T>;
}

eachBackend((backend) => {
  /** Tracking whose runs (`mine()`) are owned by a live replica, so they may end. */
  const openTracking = async () => {
    const opened: OpenedStores = await backend.openStores();
    const owner = (await opened.join()).replicaId;
    const tracking: Tracking = opened.stores.tracking;
    const mine = <T extends RunTrigger = "ci">(
      overrides: Partial<Omit<NewRun, "trigger">> & { trigger?: T } = {},
    ) => newRun<T>(owner, overrides);
    return { tracking, owner, opened, mine };
  };

  describe("a run", () => {
    test("is created running, with its params and no metrics", async () => {
      const { tracking, mine } = await openTracking();
      const run = await tracking.createRun(mine({ params: { C: 1 } }));
      expect(run).toMatchObject({
        modelName: "weather",
        trigger: "ci",
        status: "running",
        finishedAt: null,
        durationMs: null,
        params: { C: 1 },
        metrics: {},
        version: null,
        decision: null,
      });
      expect(Number.isNaN(Date.parse(run.startedAt))).toBe(false);
      expect(await tracking.getRun(run.id)).toEqual(run);
    });

    test("logParams merges into the params already logged, nulls and booleans kept", async () => {
      const { tracking, mine } = await openTracking();
      const { id } = await tracking.createRun(mine({ params: { C: 1, tol: 0.001 } }));
      await tracking.logParams(id, { C: 0.5, solver: "lbfgs", champion: null });
      await tracking.logParams(id, { converged: true, 'odd "key".x': "v" });
      expect((await tracking.getRun(id)).params).toEqual({
        C: 0.5,
        tol: 0.001,
        solver: "lbfgs",
        champion: null,
        converged: true,
        'odd "key".x': "v",
      });
    });

    test("params logged at once from two replicas are all kept", async () => {
      const { tracking, opened, mine } = await openTracking();
      const other = (await opened.reopen()).tracking;
      const { id } = await tracking.createRun(mine());
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : tracking).logParams(id, { [`p${i}`]: i }),
        ),
      );
      const params = (await tracking.getRun(id)).params;
      expect(Object.keys(params).toSorted()).toEqual(
        Array.from({ length: 20 }, (_, i) => `p${i}`).toSorted(),
      );
    });

    test("metricHistory returns a metric's series in step order, whatever order it was logged in", async () => {
      const { tracking, mine } = await openTracking();
      const { id } = await tracking.createRun(mine());
      await tracking.logMetrics(id, { loss: 0.5 }, 3);
      await tracking.logMetrics(id, { loss: 0.9 }, 1);
      await tracking.logMetrics(id, { loss: 0.7, accuracy: 0.6 }, 2);
      const loss = await tracking.metricHistory(id, "loss");
      expect(loss.map((p) => [p.step, p.value])).toEqual([
        [1, 0.9],
        [2, 0.7],
        [3, 0.5],
      ]);
      expect(loss.every((p) => p.key === "loss")).toBe(true);
      expect((await tracking.metricHistory(id)).map((p) => p.key)).toEqual([
        "accuracy",
        "loss",
        "loss",
        "loss",
      ]);
    });

    test("logSeries writes a whole curve; non-finite points are left out", async () => {
      const { tracking, mine } = await openTracking();
      const { id } = await tracking.createRun(mine());
      await tracking.logSeries(id, "train_loss", [
        { step: 0, value: 1 },
        { step: 1, value: 0.5 },
        { step: 2, value: Number.NaN },
        { step: 3, value: 0.25 },
      ]);
      const curve = await tracking.metricHistory(id, "train_loss");
      expect(curve.map((p) => [p.step, p.value])).toEqual([
        [0, 1],
        [1, 0.5],
        [3, 0.25],
      ]);
      expect((await tracking.getRun(id)).metrics).toEqual({ train_loss: 0.25 });
    });

    test("run.metrics holds the latest value of each metric", async () => {
      const { tracking, mine } = await openTracking();
      const { id } = await tracking.createRun(mine());
      await tracking.logMetrics(id, { loss: 0.9 }, 1);
      await tracking.logMetrics(id, { loss: 0.4 }, 2);
      await tracking.logMetrics(id, { accuracy: 0.8, log_loss: 0.35 });
      expect((await tracking.getRun(id)).metrics).toEqual({
        loss: 0.4,
        accuracy: 0.8,
        log_loss: 0.35,
      });
    });

    test("non-finite metric values are left out", async () => {
      const { tracking, mine } = await openTracking();
      const { id } = await tracking.createRun(mine());
      await tracking.logMetrics(id, {
        roc_auc: Number.NaN,
        accuracy: 0.8,
        rmse: Number.POSITIVE_INFINITY,
      });
      expect((await tracking.getRun(id)).metrics).toEqual({ accuracy: 0.8 });
    });

    test("logDataset and setProgress are kept on the run", async () => {
      const { tracking, mine } = await openTracking();
      const { id } = await tracking.createRun(mine());
      await tracking.logDataset(id, { rows: 1461, sha256: "abc" });
      await tracking.setProgress(id, { stage: "fit", step: 3, loss: 0.5 });
      const run = await tracking.getRun(id);
      expect(run.dataset).toEqual({ rows: 1461, sha256: "abc" });
      expect(run.progress).toMatchObject({ stage: "fit", step: 3, loss: 0.5 });
    });

    test("finishRun sets status, duration, decision, reason and version", async () => {
      const { tracking, mine } = await openTracking();
      const { id } = await tracking.createRun(mine({ trigger: "rollback" }));
      const run = await tracking.finishRun(id, {
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
      expect(await tracking.getRun(id)).toEqual(run);
    });

    test("a run ends once: finishing it again is RUN_NOT_RUNNING and changes nothing", async () => {
      const { tracking, mine } = await openTracking();
      const { id } = await tracking.createRun(mine());
      const failed = await tracking.finishRun(id, { status: "failed", error: "out of memory" });
      expect(failed).toMatchObject({ status: "failed", error: "out of memory", version: null });
      const error = await caughtAppError(() =>
        tracking.finishRun(id, { status: "succeeded", version: 2 }),
      );
      expect(error.code).toBe("RUN_NOT_RUNNING");
      expect(error.message).toContain("already ended (failed");
      expect(await tracking.getRun(id)).toEqual(failed);
    });

    test("an unknown run id is a 404 naming the id", async () => {
      const { tracking } = await openTracking();
      for (const action of [
        () => tracking.getRun("nope"),
        () => tracking.logParams("nope", { C: 1 }),
        () => tracking.logMetrics("nope", { loss: 1 }),
        () => tracking.metricHistory("nope"),
        () => tracking.finishRun("nope", { status: "failed" }),
      ]) {
        const error = await caughtAppError(action);
        expect(error.code).toBe("RUN_NOT_FOUND");
        expect(error.message).toBe("Run (id=nope) not found");
      }
    });
  });

  describe("training runs: one running per model", () => {
    test("a second start answers the running run; after it ends a new one starts", async () => {
      const { tracking, mine } = await openTracking();
      const first = await tracking.startTrainingRun(mine({ trigger: "api" }));
      expect(first.started).toBe(true);
      const second = await tracking.startTrainingRun(mine({ trigger: "drift" }));
      expect(second).toMatchObject({ started: false, run: { id: first.run.id } });
      const otherModel = await tracking.startTrainingRun(
        mine({ trigger: "api", modelName: "iris" }),
      );
      expect(otherModel.started).toBe(true);
      await tracking.finishRun(first.run.id, { status: "rejected" });
      const third = await tracking.startTrainingRun(mine({ trigger: "schedule" }));
      expect(third.started).toBe(true);
      expect(third.run.id).not.toBe(first.run.id);
    });

    test("dispatch and rollback runs neither wait for nor block a training run", async () => {
      const { tracking, mine } = await openTracking();
      await tracking.createRun(mine({ trigger: "rollback" }));
      await tracking.createRun(mine({ trigger: "ci" }));
      expect((await tracking.startTrainingRun(mine({ trigger: "api" }))).started).toBe(true);
      expect((await tracking.createRun(mine({ trigger: "rollback" }))).status).toBe("running");
    });

    test("replicas starting at once get one run between them", async () => {
      const { tracking, mine, opened } = await openTracking();
      const other = await opened.reopen();
      const otherOwner = (await opened.join(other)).replicaId;
      const starts = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          i % 2
            ? other.tracking.startTrainingRun(newRun(otherOwner, { trigger: "api" }))
            : tracking.startTrainingRun(mine({ trigger: "api" })),
        ),
      );
      expect(starts.filter((s) => s.started)).toHaveLength(1);
      expect(new Set(starts.map((s) => s.run.id)).size).toBe(1);
    });
  });

  describe("orphaned runs", () => {
    test("runs of a replica that is gone are failed with the reason; the caller's own are not", async () => {
      const { tracking, owner, mine } = await openTracking();
      const gone = await tracking.createRun(newRun(999_999));
      const goneTraining = await tracking.startTrainingRun(newRun(999_999, { trigger: "api" }));
      const own = await tracking.createRun(mine({ trigger: "rollback" }));
      const ids = await tracking.failOrphanedRuns("keel restarted during the run", owner);
      expect(ids.toSorted()).toEqual([gone.id, goneTraining.run.id].toSorted());
      for (const id of ids) {
        expect(await tracking.getRun(id)).toMatchObject({
          status: "failed",
          reason: "keel restarted during the run",
          error: "keel restarted during the run",
        });
      }
      expect((await tracking.getRun(own.id)).status).toBe("running");
      expect(await tracking.failOrphanedRuns("again", owner)).toEqual([]);
    });
  });

  describe("runs", () => {
    test("searchRuns lists newest first and filters by status and trigger", async () => {
      const { tracking, mine } = await openTracking();
      const first = await tracking.createRun(mine());
      const second = await tracking.createRun(mine({ trigger: "rollback" }));
      const third = await tracking.createRun(mine());
      await tracking.finishRun(first.id, { status: "dispatched" });
      await tracking.finishRun(second.id, { status: "failed" });
      const ids = (runs: { id: string }[]) => runs.map((r) => r.id);
      expect(ids(await tracking.searchRuns())).toEqual([third.id, second.id, first.id]);
      expect(ids(await tracking.searchRuns({ trigger: "ci" }))).toEqual([third.id, first.id]);
      expect(ids(await tracking.searchRuns({ status: "running" }))).toEqual([third.id]);
      expect(ids(await tracking.searchRuns({ status: "dispatched", trigger: "ci" }))).toEqual([
        first.id,
      ]);
      expect(await tracking.searchRuns({ status: "succeeded" })).toEqual([]);
    });

    test("searchRuns respects the limit", async () => {
      const { tracking, mine } = await openTracking();
      const created = [];
      for (let i = 0; i < 5; i++) created.push(await tracking.createRun(mine()));
      const limited = await tracking.searchRuns({ limit: 2 });
      expect(limited.map((r) => r.id)).toEqual([created[4]!.id, created[3]!.id]);
    });

    test("countByStatus counts every status, zero included", async () => {
      const { tracking, mine } = await openTracking();
      const a = await tracking.createRun(mine());
      const b = await tracking.createRun(mine());
      await tracking.createRun(mine());
      await tracking.finishRun(a.id, { status: "succeeded" });
      await tracking.finishRun(b.id, { status: "succeeded" });
      expect(await tracking.countByStatus()).toEqual({
        running: 1,
        succeeded: 2,
        failed: 0,
        rejected: 0,
        dispatched: 0,
      });
    });

    test("a reopened database keeps runs and their metric series", async () => {
      const { tracking, opened, mine } = await openTracking();
      const { id } = await tracking.createRun(mine({ params: { C: 2 } }));
      await tracking.logMetrics(id, { loss: 0.8 }, 1);
      await tracking.logMetrics(id, { loss: 0.6 }, 2);
      const before = await tracking.getRun(id);
      const reopened = (await opened.reopen()).tracking;
      expect(await reopened.getRun(id)).toEqual(before);
      expect((await reopened.metricHistory(id, "loss")).map((p) => p.value)).toEqual([0.8, 0.6]);
    });
  });

  if (backend.name !== "postgres") return;
  describe("replicas on PostgreSQL", () => {
    test("a live replica's runs are never failed by another; once it is gone they are", async () => {
      const { tracking, owner, opened } = await openTracking();
      const other = await opened.reopen();
      const otherCluster = await opened.join(other);
      const theirs = await other.tracking.startTrainingRun(
        newRun(otherCluster.replicaId, { trigger: "api" }),
      );
      expect(await tracking.failOrphanedRuns("gone", owner)).toEqual([]);
      await otherCluster.leave();
      expect(await tracking.failOrphanedRuns("its replica is gone", owner)).toEqual([
        theirs.run.id,
      ]);
    });

    test("a replica that lost its lock cannot end its run (a stale leader cannot promote)", async () => {
      const { opened } = await openTracking();
      const other = await opened.reopen();
      const otherCluster = await opened.join(other);
      const run = await other.tracking.createRun(newRun(otherCluster.replicaId));
      await otherCluster.leave();
      const error = await caughtAppError(() =>
        other.tracking.finishRun(run.id, { status: "succeeded", version: 3 }),
      );
      expect(error.code).toBe("RUN_NOT_RUNNING");
      expect(error.message).toContain("lost its lock");
      expect((await other.tracking.getRun(run.id)).status).toBe("running");
    });
  });
});
