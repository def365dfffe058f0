// Starts keel: opens the stores (SQLite, or PostgreSQL shared with other
// replicas), joins the cluster, builds the service (service/graph.ts),
// listens, and brings a model into service (service/start-up.ts). The
// handle it returns stops all of it in order.

import { basename, extname } from "node:path";
import type { Config } from "./config.ts";
import { redactSource } from "./data/source.ts";
import { type DatasetSpec, findSpecFor, readSpec } from "./data/spec.ts";
import { createLogger, type Logger } from "./observability/log.ts";
import { followServingAlias } from "./pipeline/alias-follower.ts";
import type { Deployment } from "./pipeline/deployment.ts";
import type { Retrainer } from "./pipeline/retrain.ts";
import type { Registry } from "./registry/registry.ts";
import { buildService } from "./service/graph.ts";
import { startLeaderDuties } from "./service/leader-duties.ts";
import { bringModelIntoService, failOrphanedRuns } from "./service/start-up.ts";
import type { ModelSlot } from "./serving/model-slot.ts";
import { openStores } from "./state/open-stores.ts";
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
  // A database starting beside the service (compose, a Render deploy) gets half a minute.
  const stores = await openStores(config, { waitForDatabaseMs: 30_000 });
  const spec = await datasetSpec(config);
  const modelName = config.modelName ?? spec?.name ?? nameFromSource(config.dataUrl);
  const cluster = await stores.joinCluster({ modelName, logger });
  await failOrphanedRuns({ stores, cluster, logger });

  const service = buildService({ config, stores, cluster, spec, modelName, logger });
  const { app, slot, deployment, retrainer } = service;
  const startUp = { stores, cluster, deployment, retrainer, logger };
  const duties = startLeaderDuties({
    ...startUp,
    slot,
    // Labels reach every replica; the leader, which alone rolls back, looks at all of them.
    checks: config.drift.rollbackOnDegrade ? [() => service.feedback.refresh()] : [],
  });
  const follower = followServingAlias({ cluster, deployment, logger });

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
    store: stores.where,
    replica: cluster.replicaId,
    leader: cluster.isLeader(),
  });

  await bringModelIntoService(startUp);

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
          service.scheduler.stop();
          duties.stop();
          follower.stop();
          await retrainer.stop("interrupted: keel was shut down during the run");
          await service.window.stop();
          await slot.close();
        })(),
        deadline,
      ]);
      await cluster.leave();
      await stores.close();
      logger.info("keel.stopped");
      logger.flush();
    })();
    return stopping;
  };

  return {
    url,
    port: server.port ?? config.port,
    modelName,
    registry: stores.registry,
    tracking: stores.tracking,
    slot,
    deployment,
    retrainer,
    logger,
    stop,
  };
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
