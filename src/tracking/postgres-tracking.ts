// Run tracking's PostgreSQL store, shared by every replica. A run belongs to
// the replica that started it (`owner`); the replica is alive while it holds
// its advisory lock, which is what decides whether its run may still end
// (finishRun) or was orphaned (failOrphanedRuns).

import { notFound } from "../errors.ts";
import { iso, json, type PgHandle, pgRead, pgWrite } from "../store/postgres-handle.ts";
import { LOCK_NAMESPACE } from "../store/postgres-names.ts";
import {
  type MetricPoint,
  type NewRun,
  RUN_STATUSES,
  type Run,
  type RunStatus,
  type RunTrigger,
  runNotRunning,
  type Tracking,
} from "./tracking.ts";

interface RunRow {
  id: string;
  model_name: string;
  trigger: RunTrigger;
  status: RunStatus;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  params: Record<string, number | string | boolean | null>;
  dataset: Record<string, unknown> | null;
  version: number | null;
  decision: string | null;
  reason: string | null;
  error: string | null;
  progress: Run["progress"];
  owner: number | null;
}

/** True while the run's owner holds its replica lock (SQL over `runs`). */
const OWNER_ALIVE = `EXISTS (SELECT 1 FROM pg_locks l
  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND l.classid = ${LOCK_NAMESPACE.replica}::oid AND l.objid = runs.owner::oid)`;

export function createPostgresTracking(options: { db: PgHandle }): Tracking {
  const { db } = options;

  const latestMetrics = async (sql: PgHandle["sql"], id: string) => {
    const rows = await sql<{ key: string; value: number }[]>`
      SELECT DISTINCT ON (key) key, value FROM run_metrics WHERE run_id = ${id}
      ORDER BY key, step DESC, id DESC`;
    return Object.fromEntries(rows.map((row) => [row.key, row.value]));
  };

  const toRun = async (sql: PgHandle["sql"], row: RunRow): Promise<Run> => ({
    id: row.id,
    modelName: row.model_name,
    trigger: row.trigger,
    status: row.status,
    startedAt: iso(row.started_at)!,
    finishedAt: iso(row.finished_at),
    durationMs: row.duration_ms,
    params: row.params,
    dataset: row.dataset,
    version: row.version,
    decision: row.decision,
    reason: row.reason,
    error: row.error,
    progress: row.progress,
    metrics: await latestMetrics(sql, row.id),
  });

  const getRow = async (sql: PgHandle["sql"], id: string): Promise<RunRow> => {
    const [row] = await sql<RunRow[]>`SELECT * FROM runs WHERE id = ${id}`;
    if (!row) throw notFound("RUN_NOT_FOUND", `Run (id=${id}) not found`);
    return row;
  };

  /** A running run; undefined when a training run of the model is already running. */
  const insertRun = (input: NewRun) =>
    pgWrite(db, async (sql) => {
      const [row] = await sql<RunRow[]>`
        INSERT INTO runs (id, model_name, trigger, status, started_at, params, owner)
        VALUES (${crypto.randomUUID()}, ${input.modelName}, ${input.trigger}, 'running', now(),
          ${json(input.params ?? {})}::text::jsonb, ${input.owner})
        ON CONFLICT DO NOTHING RETURNING *`;
      return row ? toRun(sql, row) : undefined;
    });

  const insertMetrics = (id: string, points: { key: string; value: number; step: number }[]) =>
    pgWrite(db, async (sql) => {
      await getRow(sql, id);
      const finite = points.filter((p) => Number.isFinite(p.value));
      if (finite.length === 0) return;
      const at = new Date();
      const rows = finite.map((p) => ({
        run_id: id,
        key: p.key,
        value: p.value,
        step: p.step,
        at,
      }));
      await sql`INSERT INTO run_metrics ${sql(rows)}`;
    });

  return {
    async createRun(input) {
      return (await insertRun(input))!;
    },

    async startTrainingRun(input) {
      // The running run may end between the refused insert and the read: then try again.
      for (let attempt = 0; attempt < 5; attempt++) {
        const run = await insertRun(input);
        if (run) return { run, started: true };
        const running = await pgRead(db, async (sql) => {
          const [row] = await sql<RunRow[]>`
            SELECT * FROM runs WHERE model_name = ${input.modelName} AND status = 'running'
              AND trigger NOT IN ('ci', 'rollback', 'shadow')`;
          return row ? toRun(sql, row) : undefined;
        });
        if (running) return { run: running, started: false };
      }
      throw new Error(`Could not reserve a training run of ${input.modelName}`);
    },

    getRun: (id) => pgRead(db, async (sql) => toRun(sql, await getRow(sql, id))),

    searchRuns: (query = {}) =>
      pgRead(db, async (sql) => {
        const limit = Math.min(Math.max(query.limit ?? 50, 1), 1000);
        const rows = await sql<RunRow[]>`
          SELECT * FROM runs
          WHERE (${query.status ?? null}::text IS NULL OR status = ${query.status ?? null})
            AND (${query.trigger ?? null}::text IS NULL OR trigger = ${query.trigger ?? null})
          ORDER BY started_at DESC, seq DESC LIMIT ${limit}`;
        const runs: Run[] = [];
        for (const row of rows) runs.push(await toRun(sql, row));
        return runs;
      }),

    logParams: (id, params) =>
      pgWrite(db, async (sql) => {
        await getRow(sql, id);
        await sql`UPDATE runs SET params = params || ${json(params)}::text::jsonb WHERE id = ${id}`;
      }),

    logMetrics: (id, metrics, step = 0) =>
      insertMetrics(
        id,
        Object.entries(metrics).map(([key, value]) => ({ key, value, step })),
      ),

    logSeries: (id, key, points) =>
      insertMetrics(
        id,
        points.map(({ step, value }) => ({ key, value, step })),
      ),

    logDataset: (id, fingerprint) =>
      pgWrite(db, async (sql) => {
        await sql`UPDATE runs SET dataset = ${json(fingerprint)}::text::jsonb WHERE id = ${id}`;
      }),

    setProgress: (id, progress) =>
      pgWrite(db, async (sql) => {
        const value = { ...progress, at: new Date().toISOString() };
        await sql`UPDATE runs SET progress = ${json(value)}::text::jsonb WHERE id = ${id}`;
      }),

    metricHistory: (id, key) =>
      pgRead(db, async (sql) => {
        await getRow(sql, id);
        const rows = await sql<{ key: string; value: number; step: number; at: Date }[]>`
          SELECT key, value, step, at FROM run_metrics
          WHERE run_id = ${id} AND (${key ?? null}::text IS NULL OR key = ${key ?? null})
          ORDER BY key, step, id`;
        return rows.map(
          (r): MetricPoint => ({ key: r.key, value: r.value, step: r.step, at: iso(r.at)! }),
        );
      }),

    finishRun: (id, finish) =>
      pgWrite(db, async (sql) => {
        const [row] = await sql<RunRow[]>`
          UPDATE runs SET status = ${finish.status}, finished_at = now(),
            duration_ms = (EXTRACT(EPOCH FROM (now() - started_at)) * 1000)::integer,
            version = COALESCE(${finish.version ?? null}::integer, version),
            decision = ${finish.decision ?? null}, reason = ${finish.reason ?? null},
            error = ${finish.error ?? null}
          WHERE id = ${id} AND status = 'running' AND (owner IS NULL OR ${sql.unsafe(OWNER_ALIVE)})
          RETURNING *`;
        if (row) return toRun(sql, row);
        throw runNotRunning(await toRun(sql, await getRow(sql, id)));
      }),

    failOrphanedRuns: (reason, self) =>
      pgWrite(db, async (sql) => {
        const rows = await sql<{ id: string }[]>`
          UPDATE runs SET status = 'failed', finished_at = now(),
            duration_ms = (EXTRACT(EPOCH FROM (now() - started_at)) * 1000)::integer,
            decision = 'none', reason = ${reason}, error = ${reason}
          WHERE status = 'running' AND owner IS DISTINCT FROM ${self}
            AND NOT ${sql.unsafe(OWNER_ALIVE)}
          RETURNING id`;
        return rows.map((row) => row.id);
      }),

    countByStatus: () =>
      pgRead(db, async (sql) => {
        const counts = Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])) as Record<
          RunStatus,
          number
        >;
        const rows = await sql<{ status: RunStatus; n: number }[]>`
          SELECT status, COUNT(*)::integer AS n FROM runs GROUP BY status`;
        for (const row of rows) counts[row.status] = row.n;
        return counts;
      }),
  };
}
