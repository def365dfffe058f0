// What the leader does besides the cron jobs (which run only there): on taking
// the lead and every 10 s after, fail the runs of replicas that are gone and
// run the service's periodic checks (live quality over the labels that reached
// any replica); on taking the lead with nothing served (the previous leader
// died during the first training), bring a model into service.

import { failureFields } from "../errors.ts";
import type { ModelSlot } from "../serving/model-slot.ts";
import { bringModelIntoService, failOrphanedRuns, type StartUpDeps } from "./start-up.ts";

export function startLeaderDuties(
  deps: StartUpDeps & {
    slot: ModelSlot;
    /** Run on the leader at every tick, after the runs are reaped. */
    checks?: (() => Promise<void>)[];
    everyMs?: number;
  },
): { stop(): void } {
  const { cluster, logger } = deps;
  const reap = () =>
    failOrphanedRuns(deps).catch((error) => {
      logger.warn("run.reap_failed", { ...failureFields(error) });
    });
  const tick = async () => {
    await reap();
    for (const check of deps.checks ?? []) {
      await check().catch((error) => {
        logger.warn("leader.check_failed", { ...failureFields(error) });
      });
    }
  };
  cluster.onLeadership((leading) => {
    if (!leading) return;
    void (async () => {
      await reap();
      if (!deps.slot.isReady()) await bringModelIntoService(deps);
    })().catch((error) => {
      logger.error("leader.start_failed", { ...failureFields(error) });
    });
  });
  const timer = setInterval(() => {
    if (cluster.isLeader()) void tick();
  }, deps.everyMs ?? 10_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
