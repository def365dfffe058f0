// Rollback on degrade (KEEL_ROLLBACK_ON_DEGRADE): when the version most
// recently promoted to the serving alias does worse on live labelled traffic
// than the version it replaced — by more than the margin, with enough labels on
// both — the alias moves back. The move is audited like any other and recorded
// as a run with trigger `rollback`, the move and the run's end in one
// transaction. Only the leader decides (every replica sees the same labelled
// window), and a leader that lost its lock cannot end the run, so its move
// never commits. A version that was itself put back by a rollback is never
// rolled "forward" again by this guard.

import type { Cluster } from "../cluster/cluster.ts";
import { primaryLiveMetric, type VersionQuality } from "../drift/live-quality.ts";
import { errorMessage, failureFields } from "../errors.ts";
import type { Logger } from "../observability/log.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Stores } from "../state/stores.ts";
import { failRun } from "../tracking/tracking.ts";
import type { Deployment } from "./deployment.ts";

export const ROLLBACK_ACTOR = "keel:rollback-on-degrade";

export interface DegradeSettings {
  margin: number;
  minLabels: number;
}

export interface DegradeGuard {
  /** Looks at fresh live quality; rolls back at most once per promotion. */
  review(versions: readonly VersionQuality[]): Promise<void>;
}

export function createDegradeGuard(deps: {
  stores: Stores;
  deployment: Deployment;
  /** The replica deciding: it owns the rollback run, and only the leader decides. */
  replica: Pick<Cluster, "replicaId" | "isLeader">;
  settings: DegradeSettings;
  metrics: Metrics;
  logger: Logger;
}): DegradeGuard {
  const { stores, deployment, replica, settings, metrics, logger } = deps;
  const { registry, tracking } = stores;
  const { modelName, serveAlias } = deployment;
  let busy = false;

  const verdict = async (versions: readonly VersionQuality[]) => {
    const [latest] = await registry.aliasHistory(modelName, serveAlias);
    if (!latest || latest.actor === ROLLBACK_ACTOR) return undefined;
    if (latest.toVersion === null || latest.fromVersion === null) return undefined;
    const current = versions.find((v) => v.version === latest.toVersion);
    const previous = versions.find((v) => v.version === latest.fromVersion);
    if (!current || !previous) return undefined;
    if (current.labelled_rows < settings.minLabels || previous.labelled_rows < settings.minLabels) {
      return undefined;
    }
    const task = (await registry.getVersion(modelName, current.version)).signature.task;
    const metric = primaryLiveMetric(task);
    const now = current.metrics[metric.name]!;
    const before = previous.metrics[metric.name]!;
    const worseBy = metric.higherIsBetter ? before - now : now - before;
    if (!(worseBy > settings.margin)) return undefined;
    return {
      from: current.version,
      to: previous.version,
      reason: `live ${metric.name} of version ${current.version} is ${round(now)} against ${round(before)} of version ${previous.version} over ${current.labelled_rows}/${previous.labelled_rows} labelled rows (margin ${settings.margin}, KEEL_ROLLBACK_MARGIN)`,
    };
  };

  const rollBack = async (decision: { from: number; to: number; reason: string }) => {
    const run = await tracking.createRun({
      modelName,
      trigger: "rollback",
      params: { from_version: decision.from, to_version: decision.to },
      owner: replica.replicaId,
    });
    try {
      await deployment.moveServing(
        decision.to,
        { actor: ROLLBACK_ACTOR, reason: decision.reason },
        async (tx) => {
          await tx.tracking.finishRun(run.id, {
            status: "succeeded",
            version: decision.to,
            decision: "rolled_back",
            reason: decision.reason,
          });
        },
      );
      metrics.trainingRuns.inc({ trigger: "rollback", status: "succeeded" });
      logger.warn("model.rolled_back", { model: modelName, ...decision, run_id: run.id });
    } catch (error) {
      await failRun(tracking, run.id, errorMessage(error)).catch(() => undefined);
      metrics.trainingRuns.inc({ trigger: "rollback", status: "failed" });
      logger.error("model.rollback_failed", {
        model: modelName,
        ...decision,
        ...failureFields(error),
      });
    }
  };

  return {
    async review(versions) {
      if (busy || !replica.isLeader()) return;
      busy = true;
      try {
        const decision = await verdict(versions);
        if (decision) await rollBack(decision);
      } catch (error) {
        logger.error("model.rollback_review_failed", {
          model: modelName,
          ...failureFields(error),
        });
      } finally {
        busy = false;
      }
    },
  };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
