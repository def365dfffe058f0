// Wires keel together: config → store → registry + tracking → slot →
// deployment → retrainer → app → scheduler, then brings a model into service
// (the registry's serving alias, or a first model trained from the data).

import { basename, extname } from "node:path";
import type { Config } from "./config.ts";
import { redactSource } from "./data/source.ts";
import { type DatasetSpec, findSpecFor, readSpec } from "./data/spec.ts";
import { errorMessage } from "./errors.ts";
import { createApp } from "./http/app.ts";
import { createLogger, type Logger } from "./observability/log.ts";
import { createMetrics } from "./observability/metrics.ts";
import { createRetrainer, type Retrainer } from "./pipeline/retrain.ts";
import { createArtifactStore } from "./registry/artifacts.ts";
import type { Registry } from "./registry/registry.ts";
import { createSqliteRegistry } from "./registry/sqlite-registry.ts";
import { startScheduler } from "./scheduler/scheduler.ts";
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
  const retrainer = createRetrainer({
    settings: {
      dataUrl: config.dataUrl,
      spec,
      target: config.target,
      timeColumn: config.timeColumn,
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
  });
  const app = createApp({
    config,
    registry,
    tracking,
    slot,
    deployment,
    retrainer,
    metrics,
    logger,
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
  const scheduler = startScheduler(
    config.retrainCron
      ? [{ name: "retrain", cron: config.retrainCron, run: () => retrainer.trigger("schedule") }]
      : [],
    logger,
  );
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
