// How a keel process brings a model into service, at start and whenever it
// takes the lead without one: the version the serving alias points at; on an
// empty database the leader trains a first model from the data, while the
// other replicas wait and serve it once its alias move reaches them; a
// registry with versions but no serving alias is left to the operator.

import type { Cluster } from "../cluster/cluster.ts";
import { failureFields } from "../errors.ts";
import type { Logger } from "../observability/log.ts";
import type { Deployment } from "../pipeline/deployment.ts";
import type { Retrainer } from "../pipeline/retrain.ts";
import type { Stores } from "../state/stores.ts";

export interface StartUpDeps {
  stores: Stores;
  cluster: Cluster;
  deployment: Deployment;
  retrainer: Retrainer;
  logger: Logger;
}

export async function bringModelIntoService(deps: StartUpDeps): Promise<void> {
  const { stores, cluster, deployment, retrainer, logger } = deps;
  const { modelName, serveAlias } = deployment;
  try {
    const served = await deployment.follow("startup");
    if (served) {
      logger.info("model.loaded", { model: modelName, version: served.version, alias: serveAlias });
      return;
    }
  } catch (error) {
    logger.error("model.load_failed", {
      model: modelName,
      alias: serveAlias,
      ...failureFields(error),
      hint: `point ${serveAlias} at a working version with PUT /models/${modelName}/aliases/${serveAlias}`,
    });
    return;
  }
  const models = await stores.registry.searchModels();
  if (models.some((m) => m.name === modelName && m.latestVersion !== null)) {
    logger.warn("model.no_alias", {
      model: modelName,
      alias: serveAlias,
      hint: `PUT /models/${modelName}/aliases/${serveAlias} {"version": N} to serve a version`,
    });
    return;
  }
  if (!cluster.isLeader()) {
    logger.info("model.waiting_for_leader", {
      model: modelName,
      hint: "the leader trains the first model; this replica serves it when its alias moves",
    });
    return;
  }
  const { runId, started } = await retrainer.trigger("bootstrap");
  logger.info("model.bootstrap", { model: modelName, run_id: runId, started });
}

/** Fails the runs of replicas that are gone; a run that a dead process left `running` never blocks a retrain. */
export async function failOrphanedRuns(deps: Pick<StartUpDeps, "stores" | "cluster" | "logger">) {
  const ids = await deps.stores.tracking.failOrphanedRuns(
    "interrupted: the replica running it stopped (or lost its database connection) during the run",
    deps.cluster.replicaId,
  );
  if (ids.length > 0) deps.logger.warn("run.interrupted", { run_ids: ids });
}
