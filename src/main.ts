// Wires keel together: config → store → registry + tracking → slot →
// deployment → retrainer → app → scheduler, then brings a model into service
// (the registry's serving alias, or a first model trained from the data).

import { basename, extname } from "node:path";
import type { Config } from "./config.ts";
import { redactSource } from "./data/source.ts";
import { type DatasetSpec, findSpecFor, readSpec } from "./data/spec.ts";
import { driftOptionsFromSpec } from "./drift/drift-spec.ts";
import type { DriftStore } from "./drift/drift-store.ts";
import { createFeedback, type Feedback } from "./drift/feedback.ts";
import { createLiveWindow, type LiveWindow } from "./drift/live-window.ts";
import { createDriftMonitor, type DriftMonitor } from "./drift/monitor.ts";
import type { DriftOptions } from "./drift/report.ts";
import { createSqliteDriftStore } from "./drift/sqlite-drift-store.ts";
import { AppError, errorMessage } from "./errors.ts";
import { createApp } from "./http/app.ts";
import { createLogger, type Logger } from "./observability/log.ts";
import { createMetrics, type Metrics } from "./observability/metrics.ts";
import { createTraffic } from "./observability/traffic.ts";
import { createDegradeGuard } from "./pipeline/degrade-guard.ts";
import { createDriftResponse, type DriftResponse } from "./pipeline/drift-response.ts";
import { createRetrainer, type Retrainer } from "./pipeline/retrain.ts";
import { scheduledRetrain } from "./pipeline/scheduled-retrain.ts";
import { loadTrainingData, type TrainingDataSettings } from "./pipeline/training-data.ts";
import { createArtifactStore } from "./registry/artifacts.ts";
import type { Registry } from "./registry/registry.ts";
import { createSqliteRegistry } from "./registry/sqlite-registry.ts";
import { type JobSpec, startScheduler } from "./scheduler/scheduler.ts";
import { createDeployment, type Deployment } from "./serving/deployment.ts";
import { createModelSlot, type ModelSlot } from "./serving/model-slot.ts";
import { openStore } from "./store/sqlite.ts";
import { createSqliteTracking } from "./tracking/sqlite-tracking.ts";
import type { Tracking } from "./tracking/tracking.ts";

export interface Keel {
  url: string;
  port: number;
  modelName: string;
  registry: Registry;
  tracking: Tracking;
  slot: ModelSlot;
  deployment: Deployment;
  retrainer: Retrainer;
  logger: Logger;
  /** Stops taking requests, lets in-flight ones finish, stops jobs and training, closes the store. */
  stop(): Promise<void>;
}

export async function startKeel(config: Config, options: { logger?: Logger } = {}): Promise<Keel> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const db = openStore(config.dbPath);
  const registry = createSqliteRegistry({
    db,
    artifacts: createArtifactStore(config.artifactsDir),
  });
  const tracking = createSqliteTracking({ db });
  const interrupted = tracking.failInterruptedRuns(
    "interrupted: keel stopped while the run was going on",
  );
  if (interrupted.length > 0) logger.warn("run.interrupted", { run_ids: interrupted });

  const spec = await datasetSpec(config);
  const modelName = config.modelName ?? spec?.name ?? nameFromSource(config.dataUrl);
  const metrics = createMetrics();
  const slot = createModelSlot();
  const deployment = createDeployment({
    registry,
    slot,
    modelName,
    serveAlias: config.serveAlias,
    metrics,
    logger,
  });
  const dataSettings = {
    dataUrl: config.dataUrl,
    spec,
    target: config.target,
    timeColumn: config.timeColumn,
  };
  const driftStore = createSqliteDriftStore(db);
  const { window, monitor } = startDriftMonitor({
    config,
    spec,
    modelName,
    store: driftStore,
    registry,
    deployment,
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
      promoteTolerance: config.promoteTolerance,
      trainTimeoutMs: config.trainTimeoutMs,
    },
    registry,
    tracking,
    deployment,
    metrics,
    logger,
    onRegistered: async (version, dataset) => {
      try {
        await monitor.recordReference(version, dataset);
      } catch (error) {
        logger.error("drift.reference_failed", {
          version: version.version,
          error: errorMessage(error),
        });
      }
    },
  });
  const { driftResponse, feedback } = closeTheLoop({
    config,
    modelName,
    store: driftStore,
    window,
    registry,
    deployment,
    tracking,
    retrainer,
    metrics,
    logger,
  });
  const scheduler = startScheduler(
    scheduledJobs({
      config,
      dataSettings,
      registry,
      deployment,
      retrainer,
      tracking,
      monitor,
      driftResponse,
      logger,
    }),
    logger,
  );
  const app = createApp({
    config,
    registry,
    tracking,
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
  app.listen({
    port: config.port,
    hostname: config.host,
    // Elysia turns SO_REUSEPORT on, which lets a second keel on the same port start
    // silently and take half the traffic; a port in use must be an error instead.
    reusePort: false,
    development: false,
    // Our own limit answers a JSON 413; Bun's is only the backstop for bodies without a length.
    maxRequestBodySize: config.maxBodyBytes + 1024 * 1024,
  });
  const server = app.server!;
  const url = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${server.port}`;
  logger.info("keel.listening", {
    url,
    model: modelName,
    alias: config.serveAlias,
    home: config.home,
  });

  await bringModelIntoService({ registry, deployment, retrainer, logger });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info("keel.stopping");
      const deadline = new Promise<void>((resolve) =>
        setTimeout(resolve, config.shutdownTimeoutMs).unref(),
      );
      await Promise.race([
        (async () => {
          await app.stop();
          scheduler.stop();
          await retrainer.stop("interrupted: keel was shut down during the run");
          window.stop();
          await slot.close();
        })(),
        deadline,
      ]);
      logger.info("keel.stopped");
      logger.flush();
      db.close();
    })();
    return stopping;
  };

  return {
    url,
    port: server.port ?? config.port,
    modelName,
    registry,
    tracking,
    slot,
    deployment,
    retrainer,
    logger,
    stop,
  };
}

async function bringModelIntoService(deps: {
  registry: Registry;
  deployment: Deployment;
  retrainer: Retrainer;
  logger: Logger;
}) {
  const { registry, deployment, retrainer, logger } = deps;
  const { modelName, serveAlias } = deployment;
  if (registry.findVersionByAlias(modelName, serveAlias)) {
    try {
      const version = await deployment.reload("startup");
      logger.info("model.loaded", {
        model: modelName,
        version: version.version,
        alias: serveAlias,
      });
    } catch (error) {
      logger.error("model.load_failed", {
        model: modelName,
        alias: serveAlias,
        error: errorMessage(error),
        hint: `point ${serveAlias} at a working version with PUT /models/${modelName}/aliases/${serveAlias}`,
      });
    }
    return;
  }
  const hasVersions = registry
    .searchModels()
    .some((m) => m.name === modelName && m.latestVersion !== null);
  if (hasVersions) {
    logger.warn("model.no_alias", {
      model: modelName,
      alias: serveAlias,
      hint: `PUT /models/${modelName}/aliases/${serveAlias} {"version": N} to serve a version`,
    });
    return;
  }
  const { runId } = retrainer.trigger("bootstrap");
  logger.info("model.bootstrap", { model: modelName, run_id: runId });
}

/** The live window and the drift monitor; the reference follows the version in service. */
function startDriftMonitor(deps: {
  config: Config;
  spec: DatasetSpec | undefined;
  modelName: string;
  store: DriftStore;
  registry: Registry;
  deployment: Deployment;
  metrics: Metrics;
  logger: Logger;
}): { window: LiveWindow; monitor: DriftMonitor } {
  const { config, store, metrics, logger } = deps;
  const window = createLiveWindow({
    store,
    settings: {
      modelName: deps.modelName,
      maxRows: config.drift.windowRows,
      maxAgeMs: config.drift.windowMaxAgeMs,
      maxRowsPerSecond: config.drift.captureRowsPerSecond,
    },
    metrics,
    logger,
  });
  const monitor = createDriftMonitor({
    store,
    registry: deps.registry,
    deployment: deps.deployment,
    window,
    settings: {
      minRows: config.drift.minRows,
      windowRows: config.drift.windowRows,
      options: driftOptions(deps.spec, config),
    },
    metrics,
    logger,
  });
  deps.deployment.onServe((version) => monitor.follow(version));
  return { window, monitor };
}

/** What drift and ground truth set off: retrains on drift, and rollback when live quality degrades. */
function closeTheLoop(deps: {
  config: Config;
  modelName: string;
  store: DriftStore;
  window: LiveWindow;
  registry: Registry;
  deployment: Deployment;
  tracking: Tracking;
  retrainer: Retrainer;
  metrics: Metrics;
  logger: Logger;
}): { driftResponse: DriftResponse; feedback: Feedback } {
  const { config, registry, deployment, tracking, metrics, logger } = deps;
  const driftResponse = createDriftResponse({
    retrainer: deps.retrainer,
    tracking,
    settings: config.drift,
    logger,
  });
  const guard = createDegradeGuard({
    registry,
    deployment,
    tracking,
    settings: { margin: config.drift.rollbackMargin, minLabels: config.drift.rollbackMinLabels },
    metrics,
    logger,
  });
  const feedback = createFeedback({
    store: deps.store,
    window: deps.window,
    registry,
    modelName: deps.modelName,
    serveAlias: config.serveAlias,
    metrics,
    onQuality: (quality) => {
      if (config.drift.rollbackOnDegrade) void guard.review(quality.versions);
    },
  });
  return { driftResponse, feedback };
}

/** The retrain job (under KEEL_RETRAIN_POLICY) and the drift check job, when their crons are set. */
function scheduledJobs(deps: {
  config: Config;
  dataSettings: TrainingDataSettings;
  registry: Registry;
  deployment: Deployment;
  retrainer: Retrainer;
  tracking: Tracking;
  monitor: DriftMonitor;
  driftResponse: DriftResponse;
  logger: Logger;
}): JobSpec[] {
  const { config, registry, deployment, monitor, logger } = deps;
  const jobs: JobSpec[] = [];
  if (config.retrainCron) {
    const run = scheduledRetrain({
      policy: config.drift.retrainPolicy,
      retrainer: deps.retrainer,
      tracking: deps.tracking,
      fetchData: async () => {
        const champion = registry.findVersionByAlias(deployment.modelName, deployment.serveAlias);
        return (await loadTrainingData(deps.dataSettings, champion)).dataset;
      },
      compare: (dataset) => monitor.compareDataset(dataset),
      logger,
    });
    jobs.push({ name: "retrain", cron: config.retrainCron, run });
  }
  if (config.drift.cron) {
    const run = () => {
      try {
        const { stored, report } = monitor.check("schedule");
        deps.driftResponse.respond(report, stored.id);
      } catch (error) {
        if (!(error instanceof AppError && error.status === 409)) throw error;
        logger.info("drift.check_skipped", { reason: error.message });
      }
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

async function datasetSpec(config: Config): Promise<DatasetSpec | undefined> {
  if (config.dataSpec) return readSpec(config.dataSpec);
  const beside = await findSpecFor(config.dataUrl);
  return beside ? readSpec(beside) : undefined;
}

function nameFromSource(source: string): string {
  const file = basename(redactSource(source).split("?")[0]!);
  const name = file.slice(0, file.length - extname(file).length).replace(/[^A-Za-z0-9._-]/g, "-");
  return name || "model";
}
