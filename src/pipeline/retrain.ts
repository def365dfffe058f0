// The retrain pipeline, single-flight across replicas: load data → validate
// against the serving model's schema → split → train in a Worker (which also
// scores the champion on the same holdout) → gate → build the drift reference
// → register, promote and end the run in one transaction → swap. Every
// outcome lands on the run; nothing here ever touches the slot unless a new
// version loaded and ran.

import type { Cluster } from "../cluster/cluster.ts";
import type { Split, Task } from "../data/dataset.ts";
import type { LoadedDataset } from "../data/load.ts";
import { holdoutSplit } from "../data/split.ts";
import { encodeProfile, type ReferenceProfile } from "../drift/profile.ts";
import { buildTrainingReference } from "../drift/training-reference.ts";
import { AppError, errorMessage, failureFields } from "../errors.ts";
import type { Logger } from "../observability/log.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { ModelVersion } from "../registry/registry.ts";
import { inspectOnnx } from "../serving/inspect.ts";
import type { OnnxModel } from "../serving/onnx-model.ts";
import type { StorePorts, Stores } from "../state/stores.ts";
import { failRun, type Run, type RunTrigger } from "../tracking/tracking.ts";
import type { Algorithm, ParamValue, TrainProgress, TrainResult } from "../training/protocol.ts";
import { runTraining } from "../training/run-training.ts";
import type { Deployment } from "./deployment.ts";
import { decidePromotion } from "./gate.ts";
import { moveAlias } from "./move-alias.ts";
import { loadTrainingData, type TrainingDataSettings } from "./training-data.ts";

export interface RetrainSettings extends TrainingDataSettings {
  /** KEEL_ALGORITHM: auto trains linear and GBDT and keeps the better. */
  algorithm: Algorithm;
  /** KEEL_TRAIN_PARAMS: hyper-parameters over the spec's `params`. */
  params: Record<string, ParamValue>;
  testFraction: number;
  seed: number;
  /** KEEL_REFIT: register the winner refit on all rows (training/refit.ts). */
  refit: boolean;
  promoteTolerance: number;
  trainTimeoutMs: number;
}

export interface TriggerOptions {
  /** Train on this source instead of the configured KEEL_DATA_URL. */
  dataUrl?: string;
}

export interface Retrainer {
  /**
   * Starts a run, or answers the id of the one already going on — here or on
   * another replica (the database holds one running training run per model).
   */
  trigger(
    trigger: RunTrigger,
    options?: TriggerOptions,
  ): Promise<{ runId: string; started: boolean }>;
  currentRunId(): string | undefined;
  /** Resolves when no run is going on in this process. */
  idle(): Promise<void>;
  /** Stops a run in progress (shutdown); it is marked failed with this reason. */
  stop(reason: string): Promise<void>;
}

export function createRetrainer(deps: {
  settings: RetrainSettings;
  stores: Stores;
  /** The replica this process is: it owns the runs it starts (its id read at each start). */
  replica: Pick<Cluster, "replicaId">;
  deployment: Deployment;
  metrics: Metrics;
  logger: Logger;
}): Retrainer {
  const { settings, stores, deployment, metrics, logger } = deps;
  const { registry, tracking } = stores;
  const modelName = deployment.modelName;
  let current: { run: Run; done: Promise<void>; abort: AbortController } | undefined;
  let reserving: Promise<{ runId: string; started: boolean }> | undefined;

  const execute = async (run: Run, options: TriggerOptions, signal: AbortSignal): Promise<void> => {
    const champion = await registry.findVersionByAlias(modelName, deployment.serveAlias);
    const loaded = await loadData(run, options, champion);
    const split = holdoutSplit(loaded.dataset.target, {
      testFraction: settings.testFraction,
      seed: settings.seed,
      timeOrdered: loaded.spec.timeColumn !== undefined,
    });
    await tracking.logParams(run.id, {
      algorithm: settings.algorithm,
      test_fraction: settings.testFraction,
      split: loaded.spec.timeColumn ? `time (${loaded.spec.timeColumn})` : "stratified",
      seed: settings.seed,
      champion_version: champion?.version ?? null,
      ...loaded.spec.params,
      ...settings.params,
    });
    const result = await train(run, loaded, split, champion, signal);
    await recordResult(run.id, result);
    const seen = await championSawThisData(champion, loaded.fingerprint.sha256);
    const verdict = judge(champion, loaded.spec.task, result, seen);
    const reference = await buildTrainingReference(result.onnx, loaded.dataset, result.holdout);
    signal.throwIfAborted();
    const version = await registerAndDecide(run, result, reference, verdict);
    logger.info("drift.reference_built", {
      model: modelName,
      version: version.version,
      rows: reference.rows,
    });
    reportFinished(run, await tracking.getRun(run.id));
  };

  /**
   * One transaction: the version, its drift reference, the alias move when the
   * gate promotes, and the run's end. The run can only end while this replica
   * still owns it, so a replica that lost the cluster cannot promote.
   */
  const registerAndDecide = async (
    run: Run,
    result: TrainResult,
    reference: ReferenceProfile,
    verdict: { promote: boolean; reason: string },
  ): Promise<ModelVersion> => {
    const actor = `run:${run.id}`;
    let model: OnnxModel | undefined;
    const commit = async () => {
      try {
        const version = await stores.transaction(async (tx) => {
          const registered = await registerVersion(tx, run, result, reference);
          if (verdict.promote) {
            const { serveAlias } = deployment;
            const move = { name: modelName, alias: serveAlias, version: registered.version };
            await moveAlias(tx, { ...move, actor, reason: verdict.reason }, { serveAlias, logger });
            // Loaded now that it has its number, so it serves the moment the move commits.
            model = await deployment.loadBytes(result.onnx, registered);
          }
          await tx.tracking.finishRun(run.id, {
            status: verdict.promote ? "succeeded" : "rejected",
            version: registered.version,
            decision: verdict.promote ? "promoted" : "rejected",
            reason: verdict.reason,
          });
          return registered;
        });
        return { version, model: model! };
      } catch (error) {
        await model?.retire();
        throw error;
      }
    };
    if (!verdict.promote) return (await commit()).version;
    return deployment.publish(commit, actor);
  };

  /** The trained version and its drift reference, in the caller's transaction. */
  const registerVersion = async (
    tx: StorePorts,
    run: Run,
    result: TrainResult,
    reference: ReferenceProfile,
  ) => {
    const registered = await tx.registry.createVersion({
      modelName,
      onnx: result.onnx,
      signature: inspectOnnx(result.onnx).signature,
      metrics: result.metrics,
      algorithm: result.algorithm,
      runId: run.id,
      source: "trained",
    });
    await tx.drift.saveReference({
      modelName,
      version: registered.version,
      source: "training",
      rows: reference.rows,
      profile: encodeProfile(reference),
    });
    return registered;
  };

  /** Loads the data, holding it to the features, target and task of the model in production. */
  const loadData = async (
    run: Run,
    options: TriggerOptions,
    champion: ModelVersion | undefined,
  ) => {
    const loaded = await loadTrainingData(settings, champion, options.dataUrl);
    await tracking.logDataset(run.id, { ...loaded.fingerprint });
    for (const warning of loaded.fingerprint.warnings) {
      logger.warn("run.data_warning", { run_id: run.id, warning });
    }
    return loaded;
  };

  const train = async (
    run: Run,
    loaded: LoadedDataset,
    split: Split,
    champion: ModelVersion | undefined,
    signal: AbortSignal,
  ): Promise<TrainResult> => {
    const outcome = await runTraining(
      {
        dataset: loaded.dataset,
        split,
        options: {
          algorithm: settings.algorithm,
          seed: settings.seed,
          modelName,
          runId: run.id,
          timeColumn: loaded.spec.timeColumn,
          ignoredInputs: loaded.spec.unused.map((u) => u.name),
          refit: settings.refit,
          params: { ...loaded.spec.params, ...settings.params },
        },
        champion: champion ? await registry.readArtifact(champion) : undefined,
      },
      { onProgress: progressRecorder(run.id), signal, timeoutMs: settings.trainTimeoutMs },
    );
    if (!outcome.ok) {
      const { code, message } = outcome.error;
      throw new AppError(code, `Training failed: ${message}`);
    }
    return outcome.value;
  };

  /**
   * The gate's verdict; a champion that cannot be scored on the new data is
   * replaced. A champion trained (and refit) on these very bytes has seen the
   * holdout, so its score there flatters it: it is judged by the holdout
   * metrics its own run recorded instead, as the challenger is.
   */
  const judge = (
    champion: ModelVersion | undefined,
    task: Task,
    result: TrainResult,
    seen: boolean,
  ) => {
    if (champion && !result.championMetrics) {
      return {
        promote: true,
        reason: `version ${champion.version} in production could not be scored on this data (${result.championError ?? "unknown error"}); challenger promoted`,
      };
    }
    const verdict = decidePromotion({
      task,
      challenger: result.metrics,
      champion: champion && {
        version: champion.version,
        metrics: seen ? champion.metrics : result.championMetrics!,
      },
      tolerance: settings.promoteTolerance,
    });
    if (!seen || !champion) return verdict;
    const note = `version ${champion.version} was trained on these same data, so its own holdout metrics stand for it`;
    return { ...verdict, reason: `${verdict.reason}; ${note}` };
  };

  /** Whether the champion's run trained on data with this sha256 (an upload has no run). */
  const championSawThisData = async (champion: ModelVersion | undefined, sha256: string) => {
    if (!champion?.runId) return false;
    const run = await tracking.getRun(champion.runId).catch(() => undefined);
    return run?.dataset?.sha256 === sha256;
  };

  const progressRecorder = (runId: string) => {
    let last = 0;
    return (progress: TrainProgress) => {
      const now = Date.now();
      if (progress.stage === "fit" && now - last < 200) return;
      last = now;
      tracking.setProgress(runId, progress).catch((error) => {
        logger.warn("run.progress_not_saved", { run_id: runId, ...failureFields(error) });
      });
    };
  };

  const recordResult = async (runId: string, result: TrainResult) => {
    await tracking.logSeries(
      runId,
      "train_loss",
      result.curve.map((point) => ({ step: point.step, value: point.loss })),
    );
    await tracking.logMetrics(runId, result.metrics);
    if (result.championMetrics) {
      await tracking.logMetrics(
        runId,
        Object.fromEntries(
          Object.entries(result.championMetrics).map(([k, v]) => [`champion_${k}`, v]),
        ),
      );
    }
    await tracking.logMetrics(runId, { onnx_parity_max_abs_diff: result.parityMaxAbsDiff });
    for (const candidate of result.candidates) {
      await tracking.logMetrics(
        runId,
        Object.fromEntries(
          Object.entries(candidate.metrics).map(([k, v]) => [
            `candidate_${candidate.algorithm}_${k}`,
            v,
          ]),
        ),
      );
      await tracking.logMetrics(runId, {
        [`candidate_${candidate.algorithm}_fit_seconds`]: candidate.fitSeconds,
      });
    }
    if (result.featureImportance) {
      await tracking.logMetrics(
        runId,
        Object.fromEntries(
          Object.entries(result.featureImportance).map(([f, v]) => [`importance_${f}`, v]),
        ),
      );
    }
    await tracking.logParams(runId, { ...result.params, model_selection: result.selection });
  };

  const reportFinished = (run: Run, finished: Run) => {
    metrics.trainingRuns.inc({ trigger: run.trigger, status: finished.status });
    logger.info("run.finished", {
      run_id: run.id,
      trigger: run.trigger,
      status: finished.status,
      version: finished.version,
      decision: finished.decision,
      reason: finished.reason,
      error: finished.error,
      duration_ms: finished.durationMs,
    });
  };

  const begin = (run: Run, options: TriggerOptions) => {
    const abort = new AbortController();
    logger.info("run.started", { run_id: run.id, trigger: run.trigger, model: modelName });
    metrics.trainingInProgress.set(1);
    const done = execute(run, options, abort.signal)
      .catch(async (error) => {
        const aborted = abort.signal.aborted;
        // An AppError says what was wrong (the data, the store, the trainer); anything else is a bug.
        if (!aborted && !(error instanceof AppError)) {
          logger.error("run.unexpected_error", { run_id: run.id, ...failureFields(error) });
        }
        const message = aborted ? String(abort.signal.reason) : errorMessage(error);
        reportFinished(run, await failRun(tracking, run.id, message));
      })
      .catch((error) => {
        // The database itself is gone: the replica that takes over fails the run.
        logger.error("run.not_recorded", { run_id: run.id, ...failureFields(error) });
      })
      .finally(() => {
        current = undefined;
        metrics.trainingInProgress.set(0);
      });
    current = { run, done, abort };
  };

  const reserve = async (trigger: RunTrigger, options: TriggerOptions) => {
    try {
      const { run, started } = await tracking.startTrainingRun({
        modelName,
        trigger,
        owner: deps.replica.replicaId,
      });
      if (started) begin(run, options);
      return { runId: run.id, started };
    } finally {
      reserving = undefined;
    }
  };

  return {
    trigger(trigger, options = {}) {
      if (current) return Promise.resolve({ runId: current.run.id, started: false });
      // Reserved before the first await, so two triggers in one tick start one run.
      if (reserving) return reserving.then(({ runId }) => ({ runId, started: false }));
      reserving = reserve(trigger, options);
      return reserving;
    },
    currentRunId: () => current?.run.id,
    idle: async () => {
      await reserving;
      await current?.done;
    },
    async stop(reason) {
      await reserving?.catch(() => undefined);
      if (!current) return;
      current.abort.abort(reason);
      await current.done;
    },
  };
}
