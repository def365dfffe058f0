// A replica follows the serving alias when it moved elsewhere: on the poll
// (a move by the CLI on the same SQLite file), and on PostgreSQL after its
// notifications reconnect (a move it could not hear of is read again).

import { test } from "bun:test";
import { SQL } from "bun";
import { silentLogger } from "../../src/observability/log.ts";
import { followServingAlias } from "../../src/pipeline/alias-follower.ts";
import type { Stores } from "../../src/state/stores.ts";
import { twoVersionsDeployed } from "../helpers/registered.ts";
import { eachBackend } from "../helpers/store-backends.ts";
import { waitFor } from "../http/harness.ts";

async function servingVersionOne(stores: Stores) {
  const { slot, deployment } = await twoVersionsDeployed(stores);
  await deployment.setAlias("weather", "prod", 1, "ci");
  return { slot, deployment };
}

eachBackend((backend) => {
  test("a move made through other stores (as by the CLI) is served: by the poll on SQLite, by the notification on PostgreSQL", async () => {
    const opened = await backend.openStores();
    const cluster = await opened.join();
    const { slot, deployment } = await servingVersionOne(opened.stores);
    const follower = followServingAlias({
      cluster,
      deployment,
      logger: silentLogger,
      pollEveryMs: 100,
    });
    try {
      const cli = await opened.reopen();
      await cli.registry.setAlias("weather", "prod", 2, { actor: "cli" });
      await waitFor(() => slot.current()?.identity.version === 2 || undefined, "version 2", 3000);
    } finally {
      follower.stop();
    }
  });

  if (backend.name !== "postgres") return;
  test("after its notifications reconnect, a replica reads the alias again", async () => {
    const opened = await backend.openStores();
    const cluster = await opened.join();
    const { slot, deployment } = await servingVersionOne(opened.stores);
    // No poll within the test: only the reconnect can bring the move in.
    const follower = followServingAlias({
      cluster,
      deployment,
      logger: silentLogger,
      pollEveryMs: 60_000,
    });
    const admin = new SQL(opened.databaseUrl!, { max: 1 });
    try {
      await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE datname = current_database() AND query ILIKE 'LISTEN%'`;
      // A move that notifies no one, as one made while the listener was away.
      await admin`UPDATE aliases SET version = 2 WHERE model_name = 'weather' AND alias = 'prod'`;
      await waitFor(() => slot.current()?.identity.version === 2 || undefined, "version 2", 10_000);
    } finally {
      follower.stop();
      await admin.close();
    }
  });
});
