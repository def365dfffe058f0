// What the leader does besides the cron jobs (which run only there): on taking
// the lead and every few seconds after, fail the runs of replicas that are
// gone; on taking the lead with nothing served (the previous leader died
// during the first training), bring a model into service.

import { errorMessage } from "../errors.ts";
import type { ModelSlot } from "../serving/model-slot.ts";
import { bringModelIntoService, failOrphanedRuns, type StartUpDeps } from "./start-up.ts";

export function startLeaderDuties(deps: StartUpDeps & { slot: ModelSlot; everyMs?: number }): {
  stop(): void;
} {
  const { cluster, logger } = deps;
  const reap = () =>
    failOrphanedRuns(deps).catch((error) => {
      logger.warn("run.reap_failed", { error: errorMessage(error) });
    });
  cluster.onLeadership((leading) => {
    if (!leading) return;
    void (async () => {
      await reap();
      if (!deps.slot.isReady()) await bringModelIntoService(deps);
    })().catch((error) => {
      logger.error("leader.start_failed", { error: errorMessage(error) });
    });
  });
  const timer = setInterval(() => {
    if (cluster.isLeader()) void reap();
  }, deps.everyMs ?? 10_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
