// Leadership on PostgreSQL, between replicas in this process: one leads; a
// leader whose connection is cut steps down, another takes the lead within
// seconds, and the cut replica reconnects by itself as a follower under the
// same id (its runs were never orphaned).

import { afterEach, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import type { Cluster } from "../../src/cluster/cluster.ts";
import { joinPostgresCluster } from "../../src/cluster/postgres-cluster.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { connectPostgres, migratePostgres } from "../../src/store/postgres.ts";
import { LOCK_NAMESPACE } from "../../src/store/postgres-names.ts";
import { freshDatabase, hasPostgres } from "../helpers/postgres.ts";
import { waitFor } from "../http/harness.ts";

const open: { cluster: Cluster; sql: SQL }[] = [];
afterEach(async () => {
  for (const { cluster, sql } of open.splice(0)) {
    await cluster.leave();
    await sql.close();
  }
});

async function replica(databaseUrl: string, modelName = "weather") {
  const sql = await connectPostgres(databaseUrl);
  await migratePostgres(sql);
  const changes: boolean[] = [];
  const cluster = await joinPostgresCluster({
    sql,
    modelName,
    logger: silentLogger,
    heartbeatMs: 200,
  });
  cluster.onLeadership((leading) => changes.push(leading));
  open.push({ cluster, sql });
  return { cluster, changes };
}

/** Ends the database session holding this replica's lock, as a network cut would. */
async function cutConnection(databaseUrl: string, replicaId: number) {
  const admin = new SQL(databaseUrl, { max: 1 });
  await admin`SELECT pg_terminate_backend(pid) FROM pg_locks
              WHERE locktype = 'advisory' AND classid = ${LOCK_NAMESPACE.replica}::oid
                AND objid = ${replicaId}::oid`;
  await admin.close();
}

describe.skipIf(!hasPostgres)("leadership on PostgreSQL", () => {
  test("one replica of a model leads; another model has its own leader", async () => {
    const databaseUrl = await freshDatabase();
    const first = await replica(databaseUrl);
    const second = await replica(databaseUrl);
    const other = await replica(databaseUrl, "iris");
    expect(first.cluster.isLeader()).toBe(true);
    expect(second.cluster.isLeader()).toBe(false);
    expect(other.cluster.isLeader()).toBe(true);
    expect(new Set([first, second, other].map((r) => r.cluster.replicaId)).size).toBe(3);
  });

  test("a leader whose connection is cut steps down, another leads, and the cut one comes back as a follower", async () => {
    const databaseUrl = await freshDatabase();
    const first = await replica(databaseUrl);
    const second = await replica(databaseUrl);
    const id = first.cluster.replicaId;
    await cutConnection(databaseUrl, id);
    const cut = Date.now();
    await waitFor(() => second.cluster.isLeader() || undefined, "the second to lead", 10_000);
    expect(Date.now() - cut).toBeLessThan(2000);
    await waitFor(() => first.changes.includes(false) || undefined, "the first to step down", 5000);
    await waitFor(() => first.cluster.health().ok || undefined, "the first to reconnect", 5000);
    expect(first.cluster.isLeader()).toBe(false);
    expect(first.cluster.replicaId).toBe(id);
    expect(second.changes).toEqual([true]);
  });

  test("leave frees the lead at once for the next replica's heartbeat", async () => {
    const databaseUrl = await freshDatabase();
    const first = await replica(databaseUrl);
    const second = await replica(databaseUrl);
    await first.cluster.leave();
    await waitFor(() => second.cluster.isLeader() || undefined, "the second to lead", 2000);
  });
});
