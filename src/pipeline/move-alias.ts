// Every alias move — from the API, the CLI, a retrain's promotion or a
// rollback — goes through here, inside the caller's transaction: the alias
// and its audit row change, a move of the serving alias makes that version's
// drift reference the active one, and (on PostgreSQL) the other replicas are
// notified when it commits.

import { followServedVersion, type ReferenceFollow } from "../drift/follow-serving.ts";
import type { Logger } from "../observability/log.ts";
import type { AliasEvent } from "../registry/registry.ts";
import type { StorePorts } from "../state/stores.ts";

export interface AliasMoveRequest {
  name: string;
  alias: string;
  version: number;
  actor: string;
  reason?: string;
}

export async function moveAlias(
  tx: StorePorts,
  request: AliasMoveRequest,
  context: { serveAlias: string; logger: Logger },
): Promise<AliasEvent> {
  const { name, alias, version, actor, reason } = request;
  const event = await tx.registry.setAlias(name, alias, version, { actor, reason });
  if (alias === context.serveAlias) {
    logFollow(
      context.logger,
      name,
      version,
      await followServedVersion(tx.drift, name, version, Date.now()),
    );
  }
  return event;
}

function logFollow(logger: Logger, model: string, version: number, follow: ReferenceFollow) {
  if (follow.outcome === "activated") logger.info("drift.reference_moved", { model, version });
  if (follow.outcome === "kept") {
    logger.warn("drift.reference_kept", {
      model,
      version,
      reference_version: follow.referenceVersion,
      hint: "this version has no training reference; PUT /drift/reference to replace it",
    });
  }
}
