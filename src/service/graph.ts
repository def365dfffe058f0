// The object graph of a running keel: every part built from the stores, the
// cluster and the settings, each handed what it needs as arguments. Nothing
// here starts serving; main.ts listens and start-up.ts brings a model in.

import type { Cluster } from "../cluster/cluster.ts";
import type { Config } from "../config.ts";
import type { DatasetSpec } from "../data/spec.ts";
import { driftOptionsFromSpec } from "../drift/drift-spec.ts";
import { createFeedback, type Feedback } from "../drift/feedback.ts";
import { createLiveWindow, FLUSH_EVERY_MS, type LiveWindow } from "../drift/live-window.ts";
import { createDriftMonitor, type DriftMonitor } from "../drift/monitor.ts";
import type { DriftOptions } from "../drift/report.ts";
import { type App, createApp } from "../http/app.ts";
import type { Logger } from "../observability/log.ts";
import { createMetrics, type Metrics } from "../observability/metrics.ts";
import { createTraffic } from "../observability/traffic.ts";
import { createDegradeGuard } from "../pipeline/degrade-guard.ts";
import { createDeployment, type Deployment } from "../pipeline/deployment.ts";
import { createDriftResponse, type DriftResponse } from "../pipeline/drift-response.ts";
import { createRetrainer, type Retrainer } from "../pipeline/retrain.ts";
import { scheduledRetrain } from "../pipeline/scheduled-retrain.ts";
import { loadTrainingData, type TrainingDataSettings } from "../pipeline/training-data.ts";
import { type JobSpec, type Scheduler, startScheduler } from "../scheduler/scheduler.ts";
import { createModelSlot, type ModelSlot } from "../serving/model-slot.ts";
import type { Stores } from "../state/stores.ts";

export interface Service {
  modelName: string;
  metrics: Metrics;
  slot: ModelSlot;
  deployment: Deployment;
  window: LiveWindow;
  monitor: DriftMonitor;
  retrainer: Retrainer;
  driftResponse: DriftResponse;
  feedback: Feedback;
  scheduler: Scheduler;
  app: App;
}

export interface ServiceDeps {
  config: Config;
  stores: Stores;
  cluster: Cluster;
  spec: DatasetSpec | undefined;
  modelName: string;
  logger: Logger;
}

export function buildService(deps: ServiceDeps): Service {
  const { config, stores, cluster, modelName, logger } = deps;
  const metrics = createMetrics(cluster);
  const slot = createModelSlot();
  const shadowSlot = createModelSlot();
  const deployment = createDeployment({
    stores,
    slot,
    shadowSlot,
    modelName,
    serveAlias: config.serveAlias,
    shadowAlias: config.shadowAlias,
    metrics,
    logger,
  });
  const dataSettings: TrainingDataSettings = {
    dataUrl: config.dataUrl,
    spec: deps.spec,
    target: config.target,
    timeColumn: config.timeColumn,
  };
  const window = createLiveWindow({
    store: stores.drift,
    settings: {
      modelName,
      maxRows: config.drift.windowRows,
      maxAgeMs: config.drift.windowMaxAgeMs,
      maxRowsPerSecond: config.drift.captureRowsPerSecond,
    },
    prunes: () => cluster.isLeader(),
    metrics,
    logger,
  });
  const monitor = createDriftMonitor({
    stores,
    served: deployment,
    window,
    settings: {
      minRows: config.drift.minRows,
      windowRows: config.drift.windowRows,
      options: driftOptions(deps.spec, config),
    },
    metrics,
    logger,
  });
  const retrainer = createRetrainer({
    settings: {
      ...dataSettings,
      algorithm: config.algorithm,
      params: config.trainParams,
      testFraction: config.testFraction,
      seed: config.seed,
      refit: config.refit,
      promoteTolerance: config.promoteTolerance,
      trainTimeoutMs: config.trainTimeoutMs,
    },
    stores,
    replica: cluster,
    deployment,
    metrics,
    logger,
  });
  const driftResponse = createDriftResponse({
    retrainer,
    tracking: stores.tracking,
    settings: config.drift,
    logger,
  });
  const feedback = liveFeedback({ ...deps, deployment, window, metrics });
  const scheduler = startScheduler(
    scheduledJobs({
      config,
      dataSettings,
      stores,
      deployment,
      retrainer,
      monitor,
      driftResponse,
      logger,
    }),
    logger,
    () => cluster.isLeader(),
  );
  const app = createApp({
    config,
    cluster,
    registry: stores.registry,
    tracking: stores.tracking,
    slot,
    deployment,
    retrainer,
    metrics,
    logger,
    window,
    monitor,
    driftResponse,
    feedback,
    scheduler,
    traffic: createTraffic(),
  });
  return {
    modelName,
    metrics,
    slot,
    deployment,
    window,
    monitor,
    retrainer,
    driftResponse,
    feedback,
    scheduler,
    app,
  };
}

/** Ground truth in; fresh live quality can roll the serving alias back (KEEL_ROLLBACK_ON_DEGRADE). */
function liveFeedback(
  deps: ServiceDeps & { deployment: Deployment; window: LiveWindow; metrics: Metrics },
): Feedback {
  const { config, stores, cluster, metrics, logger } = deps;
  const guard = createDegradeGuard({
    stores,
    deployment: deps.deployment,
    replica: cluster,
    settings: { margin: config.drift.rollbackMargin, minLabels: config.drift.rollbackMinLabels },
    metrics,
    logger,
  });
  return createFeedback({
    store: stores.drift,
    window: deps.window,
    registry: stores.registry,
    modelName: deps.modelName,
    serveAlias: config.serveAlias,
    metrics,
    // Another replica may still hold the prediction in its buffer for one flush interval.
    otherReplicasWaitMs: stores.backend === "postgres" ? 4 * FLUSH_EVERY_MS : 0,
    onQuality: (quality) => {
      if (config.drift.rollbackOnDegrade) void guard.review(quality.versions);
    },
    logger,
  });
}

/** The retrain job (under KEEL_RETRAIN_POLICY) and the drift check job, when their crons are set. */
function scheduledJobs(deps: {
  config: Config;
  dataSettings: TrainingDataSettings;
  stores: Stores;
  deployment: Deployment;
  retrainer: Retrainer;
  monitor: DriftMonitor;
  driftResponse: DriftResponse;
  logger: Logger;
}): JobSpec[] {
  const { config, stores, deployment, monitor, logger } = deps;
  const jobs: JobSpec[] = [];
  if (config.retrainCron) {
    const run = scheduledRetrain({
      policy: config.drift.retrainPolicy,
      retrainer: deps.retrainer,
      tracking: stores.tracking,
      fetchData: async () => {
        const champion = await stores.registry.findVersionByAlias(
          deployment.modelName,
          deployment.serveAlias,
        );
        return (await loadTrainingData(deps.dataSettings, champion)).dataset;
      },
      compare: (dataset) => monitor.compareDataset(dataset),
      logger,
    });
    jobs.push({ name: "retrain", cron: config.retrainCron, run });
  }
  if (config.drift.cron) {
    // A skipped check is an outcome, not a failure; anything thrown is, and the scheduler logs it.
    const run = async () => {
      const check = await monitor.check("schedule");
      if (check.outcome === "skipped") {
        logger.info("drift.check_skipped", { reason: check.reason });
        return;
      }
      await deps.driftResponse.respond(check.report, check.stored.id);
    };
    jobs.push({ name: "drift-check", cron: config.drift.cron, run });
  }
  return jobs;
}

/** KEEL_DRIFT_SHARE wins over the spec's `drift.share_threshold`; per-column choices come from the spec. */
function driftOptions(spec: DatasetSpec | undefined, config: Config): DriftOptions {
  const fromSpec = driftOptionsFromSpec(spec?.drift, config.dataSpec ?? config.dataUrl);
  return { ...fromSpec, shareThreshold: config.drift.shareThreshold ?? fromSpec.shareThreshold };
}
