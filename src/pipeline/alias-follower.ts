// Keeps this replica serving what the serving alias (and the shadow alias)
// points at when it moved elsewhere — on another replica, or by `keel promote` against the database:
// at once on a notification, after every reconnect of the notifications
// (a move may have been missed meanwhile), and every 30 s as a safety net.

import type { Cluster } from "../cluster/cluster.ts";
import { failureFields } from "../errors.ts";
import type { Logger } from "../observability/log.ts";
import type { Deployment } from "./deployment.ts";

export const ALIAS_POLL_MS = 30_000;

export function followServingAlias(deps: {
  cluster: Cluster;
  deployment: Deployment;
  logger: Logger;
  pollEveryMs?: number;
}): { stop(): void } {
  const { deployment, logger } = deps;
  const follow = (actor: string) => {
    deployment.follow(actor).catch((error) => {
      logger.warn("model.follow_failed", { actor, ...failureFields(error) });
    });
  };
  deps.cluster.onAliasMoved(({ model, alias }) => {
    if (model === undefined) follow("keel:reconnected");
    else if (
      model === deployment.modelName &&
      (alias === deployment.serveAlias || alias === deployment.shadowAlias)
    )
      follow("keel:alias-notification");
  });
  const timer = setInterval(() => follow("keel:alias-poll"), deps.pollEveryMs ?? ALIAS_POLL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
