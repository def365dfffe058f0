// The retrain pipeline, single-flight: load data → validate against the
// serving model's schema → split → train in a Worker (which also scores the
// champion on the same holdout) → gate → register → promote and swap.
// Every outcome lands on the run; nothing here ever touches the slot unless a
// new version loaded and ran.

import type { Dataset, Split, Task } from "../data/dataset.ts";
import type { LoadedDataset } from "../data/load.ts";
import { stratifiedSplit } from "../data/split.ts";
import { errorMessage } from "../errors.ts";
import type { Logger } from "../observability/log.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { ModelVersion, Registry } from "../registry/registry.ts";
import type { Deployment } from "../serving/deployment.ts";
import { inspectOnnx } from "../serving/inspect.ts";
import type { Run, RunTrigger, Tracking } from "../tracking/tracking.ts";
import type { Algorithm, ParamValue, TrainProgress, TrainResult } from "../training/protocol.ts";
import { runTraining } from "../training/run-training.ts";
import { decidePromotion } from "./gate.ts";
import { loadTrainingData, type TrainingDataSettings } from "./training-data.ts";

export interface RetrainSettings extends TrainingDataSettings {
  /** KEEL_ALGORITHM: auto trains linear and GBDT and keeps the better. */
  algorithm: Algorithm;
  /** KEEL_TRAIN_PARAMS: hyper-parameters over the spec's `params`. */
  params: Record<string, ParamValue>;
  testFraction: number;
  seed: number;
  promoteTolerance: number;
  trainTimeoutMs: number;
}

export interface TriggerOptions {
  /** Train on this source instead of the configured KEEL_DATA_URL. */
  dataUrl?: string;
}

export interface Retrainer {
  /** Starts a run, or returns the id of the one already going on. */
  trigger(trigger: RunTrigger, options?: TriggerOptions): { runId: string; started: boolean };
  currentRunId(): string | undefined;
  /** Resolves when no run is going on. */
  idle(): Promise<void>;
  /** Stops a run in progress (shutdown); it is marked failed with this reason. */
  stop(reason: string): Promise<void>;
}

class RunFailure extends Error {}

export function createRetrainer(deps: {
  settings: RetrainSettings;
  registry: Registry;
  tracking: Tracking;
  deployment: Deployment;
  metrics: Metrics;
  logger: Logger;
  /** Runs after a version is registered, before any alias moves (the drift reference is built here). */
  onRegistered?: (version: ModelVersion, dataset: Dataset) => Promise<void>;
}): Retrainer {
  const { settings, registry, tracking, deployment, metrics, logger } = deps;
  const modelName = deployment.modelName;
  let current: { run: Run; done: Promise<void>; abort: AbortController } | undefined;

  const execute = async (run: Run, options: TriggerOptions, signal: AbortSignal): Promise<void> => {
    const champion = registry.findVersionByAlias(modelName, deployment.serveAlias);
    const loaded = await loadData(run, options, champion);
    const split = stratifiedSplit(loaded.dataset.target, settings.testFraction, settings.seed);
    tracking.logParams(run.id, {
      algorithm: settings.algorithm,
      test_fraction: settings.testFraction,
      seed: settings.seed,
      champion_version: champion?.version ?? null,
      ...loaded.spec.params,
      ...settings.params,
    });
    const result = await train(run, loaded, split, champion, signal);
    recordResult(run.id, result);
    const verdict = judge(champion, loaded.spec.task, result);
    const version = registry.createVersion({
      modelName,
      onnx: result.onnx,
      signature: inspectOnnx(result.onnx).signature,
      metrics: result.metrics,
      algorithm: result.algorithm,
      runId: run.id,
      source: "trained",
    });
    await deps.onRegistered?.(version, loaded.dataset);
    if (verdict.promote) {
      await deployment.setAlias(
        modelName,
        deployment.serveAlias,
        version.version,
        `run:${run.id}`,
        verdict.reason,
      );
    }
    finish(run, {
      status: verdict.promote ? "succeeded" : "rejected",
      version: version.version,
      decision: verdict.promote ? "promoted" : "rejected",
      reason: verdict.reason,
    });
  };

  /** Loads the data, holding it to the features, target and task of the model in production. */
  const loadData = async (
    run: Run,
    options: TriggerOptions,
    champion: ModelVersion | undefined,
  ) => {
    const loaded = await loadTrainingData(settings, champion, options.dataUrl);
    tracking.logDataset(run.id, { ...loaded.fingerprint });
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
          params: { ...loaded.spec.params, ...settings.params },
        },
        champion: champion ? await registry.readArtifact(champion) : undefined,
      },
      { onProgress: progressRecorder(run.id), signal, timeoutMs: settings.trainTimeoutMs },
    );
    if (!outcome.ok) throw new RunFailure(`Training failed: ${outcome.error}`);
    return outcome.value;
  };

  /** The gate's verdict; a champion that cannot be scored on the new data is replaced. */
  const judge = (champion: ModelVersion | undefined, task: Task, result: TrainResult) => {
    if (champion && !result.championMetrics) {
      return {
        promote: true,
        reason: `version ${champion.version} in production could not be scored on this data (${result.championError ?? "unknown error"}); challenger promoted`,
      };
    }
    return decidePromotion({
      task,
      challenger: result.metrics,
      champion: champion && { version: champion.version, metrics: result.championMetrics! },
      tolerance: settings.promoteTolerance,
    });
  };

  const progressRecorder = (runId: string) => {
    let last = 0;
    return (progress: TrainProgress) => {
      const now = Date.now();
      if (progress.stage === "fit" && now - last < 200) return;
      last = now;
      tracking.setProgress(runId, progress);
    };
  };

  const recordResult = (runId: string, result: TrainResult) => {
    for (const point of result.curve)
      tracking.logMetrics(runId, { train_loss: point.loss }, point.step);
    tracking.logMetrics(runId, result.metrics);
    if (result.championMetrics) {
      tracking.logMetrics(
        runId,
        Object.fromEntries(
          Object.entries(result.championMetrics).map(([k, v]) => [`champion_${k}`, v]),
        ),
      );
    }
    tracking.logMetrics(runId, { onnx_parity_max_abs_diff: result.parityMaxAbsDiff });
    for (const candidate of result.candidates) {
      tracking.logMetrics(
        runId,
        Object.fromEntries(
          Object.entries(candidate.metrics).map(([k, v]) => [
            `candidate_${candidate.algorithm}_${k}`,
            v,
          ]),
        ),
      );
      tracking.logMetrics(runId, {
        [`candidate_${candidate.algorithm}_fit_seconds`]: candidate.fitSeconds,
      });
    }
    if (result.featureImportance) {
      tracking.logMetrics(
        runId,
        Object.fromEntries(
          Object.entries(result.featureImportance).map(([f, v]) => [`importance_${f}`, v]),
        ),
      );
    }
    tracking.logParams(runId, { ...result.params, model_selection: result.selection });
  };

  const finish = (run: Run, outcome: Parameters<Tracking["finishRun"]>[1]) => {
    const finished = tracking.finishRun(run.id, outcome);
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

  const start = (trigger: RunTrigger, options: TriggerOptions) => {
    const run = tracking.createRun({ modelName, trigger });
    const abort = new AbortController();
    logger.info("run.started", { run_id: run.id, trigger, model: modelName });
    metrics.trainingInProgress.set(1);
    const done = execute(run, options, abort.signal)
      .catch((error) => {
        const message = abort.signal.aborted ? String(abort.signal.reason) : errorMessage(error);
        finish(run, { status: "failed", decision: "none", reason: message, error: message });
      })
      .finally(() => {
        current = undefined;
        metrics.trainingInProgress.set(0);
      });
    current = { run, done, abort };
    return run;
  };

  return {
    trigger(trigger, options = {}) {
      if (current) return { runId: current.run.id, started: false };
      return { runId: start(trigger, options).id, started: true };
    },
    currentRunId: () => current?.run.id,
    idle: async () => {
      await current?.done;
    },
    async stop(reason) {
      if (!current) return;
      current.abort.abort(reason);
      await current.done;
    },
  };
}
