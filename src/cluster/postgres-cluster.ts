// Replicas on one PostgreSQL database. Each replica holds, on one reserved
// connection of its own, a session advisory lock on its id (it is alive while
// it holds it: its runs may end, nobody fails them) and — when it leads — the
// model's leader lock. A heartbeat runs on that connection every 2 s: a
// follower tries for the leader lock, the leader proves the connection still
// works. The server drops a dead peer's session within seconds (TCP
// keepalives), which frees both locks, so another replica takes the lead
// within one or two heartbeats; a replica whose heartbeat fails steps down,
// closes the connection and reconnects by itself. Alias moves arrive by
// LISTEN; after each (re)connect of the listener every replica re-reads.

import { hostname } from "node:os";
import type { ReservedSQL, SQL } from "bun";
import { AppError, errorMessage } from "../errors.ts";
import type { Logger } from "../observability/log.ts";
import { ALIAS_CHANNEL, LOCK_NAMESPACE, lockKeyOf } from "../store/postgres-names.ts";
import type { AliasMoved, Cluster, StoreHealth } from "./cluster.ts";

export interface PostgresClusterOptions {
  sql: SQL;
  modelName: string;
  logger: Logger;
  heartbeatMs?: number;
}

export const HEARTBEAT_MS = 2000;
/** How long a reconnecting replica waits for its old session's lock before it joins under a new id. */
const REJOIN_SAME_ID_MS = 30_000;

export async function joinPostgresCluster(options: PostgresClusterOptions): Promise<Cluster> {
  const { sql, logger } = options;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const leaderKey = lockKeyOf(options.modelName);
  const leadershipListeners: ((leading: boolean) => void)[] = [];
  const aliasListeners: ((moved: AliasMoved) => void)[] = [];
  let replicaId = await registerReplica(sql);
  let connection: ReservedSQL | undefined;
  let leading = false;
  let health: StoreHealth = { ok: true };
  let beating = false;
  let left = false;
  let lostAt = 0;

  const setLeading = (value: boolean) => {
    if (value === leading) return;
    leading = value;
    logger.info(value ? "cluster.leading" : "cluster.following", {
      replica: replicaId,
      model: options.modelName,
    });
    for (const listener of leadershipListeners) listener(value);
  };

  /**
   * Opens the lock connection and takes this replica's lock again under the
   * same id, so its running run stays its own. The previous session may hold
   * the lock a few seconds more, until the server drops it; only after
   * REJOIN_SAME_ID_MS does the replica give up the id and join anew.
   */
  const connect = async () => {
    const reserved = await sql.reserve({ signal: AbortSignal.timeout(heartbeatMs * 2) });
    try {
      await withTimeout(
        (async () => {
          // The server notices a vanished peer in ~6 s and drops its session (and locks).
          await reserved`SET tcp_keepalives_idle = 3`;
          await reserved`SET tcp_keepalives_interval = 1`;
          await reserved`SET tcp_keepalives_count = 3`;
          if (await tryLock(reserved, LOCK_NAMESPACE.replica, replicaId)) return;
          if (Date.now() - lostAt < REJOIN_SAME_ID_MS) {
            throw new Error(
              `the lock of replica ${replicaId} is still held by its previous session`,
            );
          }
          replicaId = await registerReplica(reserved);
          if (!(await tryLock(reserved, LOCK_NAMESPACE.replica, replicaId))) {
            throw new Error(`replica lock ${replicaId} is taken`);
          }
        })(),
        heartbeatMs * 1.5,
      );
    } catch (error) {
      await reserved.close().catch(() => undefined);
      throw error;
    }
    connection = reserved;
  };

  const lose = async (reason: string) => {
    if (left) return;
    if (health.ok) {
      logger.warn("cluster.store_unreachable", { replica: replicaId, reason });
      lostAt = Date.now();
    }
    health = { ok: false, reason };
    setLeading(false);
    const lost = connection;
    connection = undefined;
    await lost?.close().catch(() => undefined);
  };

  const beat = async () => {
    if (beating || left) return;
    beating = true;
    try {
      if (!connection) await connect();
      const live = connection!;
      // The leader keeps its lock while its session lives: it only proves the session does.
      const claimed = await withTimeout(
        leading ? live`SELECT 1`.then(() => true) : tryLock(live, LOCK_NAMESPACE.leader, leaderKey),
        heartbeatMs * 1.5,
      );
      if (!health.ok) logger.info("cluster.store_reachable", { replica: replicaId });
      health = { ok: true };
      setLeading(claimed);
    } catch (error) {
      await lose(errorMessage(error));
    } finally {
      beating = false;
    }
  };

  await beat();
  if (!health.ok)
    throw new AppError(
      "STORE_UNAVAILABLE",
      `Cannot join the cluster: ${(health as { reason: string }).reason}`,
    );
  const timer = setInterval(() => void beat(), heartbeatMs);
  timer.unref();

  const subscription = await sql.listen(
    ALIAS_CHANNEL,
    (payload) => {
      const moved = parseMove(payload);
      if (moved) for (const listener of aliasListeners) listener(moved);
    },
    // Initially and after every reconnect: moves made meanwhile were not heard.
    () => {
      for (const listener of aliasListeners) listener({});
    },
  );

  return {
    get replicaId() {
      return replicaId;
    },
    isLeader: () => leading,
    onLeadership: (listener) => {
      leadershipListeners.push(listener);
    },
    onAliasMoved: (listener) => {
      aliasListeners.push(listener);
    },
    health: () => health,
    async leave() {
      left = true;
      clearInterval(timer);
      await subscription.unlisten().catch(() => undefined);
      leading = false;
      // Unlocked before the close, so the locks are free when leave() resolves (the server
      // notices a closed session a moment later); release() would keep them on a pooled connection.
      const held = connection;
      connection = undefined;
      if (held) {
        await held`SELECT pg_advisory_unlock_all()`.catch(() => undefined);
        await held.close().catch(() => undefined);
      }
    },
  };
}

async function registerReplica(sql: SQL | ReservedSQL): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    INSERT INTO replicas (host, pid) VALUES (${hostname()}, ${process.pid}) RETURNING id`;
  return row!.id;
}

async function tryLock(connection: ReservedSQL, namespace: number, key: number): Promise<boolean> {
  const [row] = await connection<{ got: boolean }[]>`
    SELECT pg_try_advisory_lock(${namespace}::integer, ${key}::integer) AS got`;
  return row!.got;
}

function parseMove(payload: string): AliasMoved | undefined {
  try {
    const { model, alias } = JSON.parse(payload) as { model?: unknown; alias?: unknown };
    return typeof model === "string" && typeof alias === "string" ? { model, alias } : undefined;
  } catch {
    return undefined;
  }
}

async function withTimeout<T>(work: PromiseLike<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
