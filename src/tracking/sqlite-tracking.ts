// Run tracking's SQLite store (synchronous; src/state/sqlite-stores.ts gives
// it its async port): runs, their params and metric series. One process owns
// the database, so a run is orphaned exactly when another process started it.

import type { Database } from "bun:sqlite";
import { notFound } from "../errors.ts";
import type { Synchronous } from "../store/sqlite-gate.ts";
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
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  params: string;
  dataset: string | null;
  version: number | null;
  decision: string | null;
  reason: string | null;
  error: string | null;
  progress: string | null;
}

/** A json_each row's value as JSON text (json_each gives booleans as 1/0 and strings unquoted). */
const EACH_AS_JSON = `CASE type WHEN 'text' THEN json_quote(value) WHEN 'null' THEN 'null'
  WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE value END`;

export function createSqliteTracking(options: { db: Database }): Synchronous<Tracking> {
  const { db } = options;
  const now = () => new Date().toISOString();

  const latestMetrics = (id: string): Record<string, number> => {
    const rows = db
      .query<{ key: string; value: number }, [string]>(
        `SELECT key, value FROM run_metrics m
         WHERE run_id = ? AND rowid = (
           SELECT rowid FROM run_metrics WHERE run_id = m.run_id AND key = m.key
           ORDER BY step DESC, rowid DESC LIMIT 1)
         ORDER BY key`,
      )
      .all(id);
    return Object.fromEntries(rows.map((row) => [row.key, row.value]));
  };

  const toRun = (row: RunRow): Run => ({
    id: row.id,
    modelName: row.model_name,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    params: JSON.parse(row.params),
    dataset: row.dataset ? JSON.parse(row.dataset) : null,
    version: row.version,
    decision: row.decision,
    reason: row.reason,
    error: row.error,
    progress: row.progress ? JSON.parse(row.progress) : null,
    metrics: latestMetrics(row.id),
  });

  const getRow = (id: string): RunRow => {
    const row = db.query<RunRow, [string]>("SELECT * FROM runs WHERE id = ?").get(id);
    if (!row) throw notFound("RUN_NOT_FOUND", `Run (id=${id}) not found`);
    return row;
  };

  const insertMetric = db.query(
    "INSERT INTO run_metrics (run_id, key, value, step, at) VALUES (?, ?, ?, ?, ?)",
  );

  /** Inserts a running run; null when the index of one running training run per model refuses it. */
  const insertRun = ({ modelName, trigger, params = {}, owner }: NewRun): Run | null => {
    const row = db
      .query<RunRow, [string, string, string, string, string, number]>(
        `INSERT INTO runs (id, model_name, trigger, status, started_at, params, owner)
         VALUES (?, ?, ?, 'running', ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *`,
      )
      .get(crypto.randomUUID(), modelName, trigger, now(), JSON.stringify(params), owner);
    return row ? toRun(row) : null;
  };

  return {
    createRun: (input) => insertRun(input)!,

    startTrainingRun(input) {
      const run = insertRun(input);
      if (run) return { run, started: true };
      const running = db
        .query<RunRow, [string]>(
          `SELECT * FROM runs WHERE model_name = ? AND status = 'running' AND trigger NOT IN ('ci', 'rollback', 'shadow')`,
        )
        .get(input.modelName)!;
      return { run: toRun(running), started: false };
    },

    getRun: (id) => toRun(getRow(id)),

    searchRuns(query = {}) {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (query.status) {
        where.push("status = ?");
        args.push(query.status);
      }
      if (query.trigger) {
        where.push("trigger = ?");
        args.push(query.trigger);
      }
      args.push(Math.min(Math.max(query.limit ?? 50, 1), 1000));
      const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
                   ORDER BY started_at DESC, rowid DESC LIMIT ?`;
      return db
        .query<RunRow, (string | number)[]>(sql)
        .all(...args)
        .map(toRun);
    },

    logParams(id, params) {
      getRow(id);
      db.query(
        `UPDATE runs SET params = (SELECT json_group_object(key, json(v)) FROM (
           SELECT key, ${EACH_AS_JSON} AS v FROM json_each(runs.params)
             WHERE key NOT IN (SELECT key FROM json_each(?1))
           UNION ALL SELECT key, ${EACH_AS_JSON} AS v FROM json_each(?1)))
         WHERE id = ?2`,
      ).run(JSON.stringify(params), id);
    },

    logMetrics(id, metrics, step = 0) {
      getRow(id);
      const at = now();
      db.transaction(() => {
        for (const [key, value] of Object.entries(metrics)) {
          if (Number.isFinite(value)) insertMetric.run(id, key, value, step, at);
        }
      })();
    },

    logSeries(id, key, points) {
      getRow(id);
      const at = now();
      db.transaction(() => {
        for (const { step, value } of points) {
          if (Number.isFinite(value)) insertMetric.run(id, key, value, step, at);
        }
      })();
    },

    logDataset(id, fingerprint) {
      db.query("UPDATE runs SET dataset = ? WHERE id = ?").run(JSON.stringify(fingerprint), id);
    },

    setProgress(id, progress) {
      db.query("UPDATE runs SET progress = ? WHERE id = ?").run(
        JSON.stringify({ ...progress, at: now() }),
        id,
      );
    },

    metricHistory(id, key) {
      getRow(id);
      const sql = `SELECT key, value, step, at FROM run_metrics WHERE run_id = ?${key ? " AND key = ?" : ""} ORDER BY key, step, rowid`;
      const args = key ? [id, key] : [id];
      return db.query<MetricPoint, string[]>(sql).all(...args);
    },

    finishRun(id, finish) {
      const row = getRow(id);
      const finishedAt = now();
      const { changes } = db
        .query(
          `UPDATE runs SET status = ?, finished_at = ?, duration_ms = ?, version = COALESCE(?, version),
           decision = ?, reason = ?, error = ? WHERE id = ? AND status = 'running'`,
        )
        .run(
          finish.status,
          finishedAt,
          Date.parse(finishedAt) - Date.parse(row.started_at),
          finish.version ?? null,
          finish.decision ?? null,
          finish.reason ?? null,
          finish.error ?? null,
          id,
        );
      if (changes === 0) throw runNotRunning(toRun(row));
      return toRun(getRow(id));
    },

    failOrphanedRuns(reason, self) {
      const rows = db
        .query<{ id: string }, [number]>(
          "SELECT id FROM runs WHERE status = 'running' AND owner IS NOT ?",
        )
        .all(self);
      for (const { id } of rows) {
        this.finishRun(id, { status: "failed", decision: "none", reason, error: reason });
      }
      return rows.map((row) => row.id);
    },

    countByStatus() {
      const counts = Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])) as Record<
        RunStatus,
        number
      >;
      const rows = db
        .query<{ status: RunStatus; n: number }, []>(
          "SELECT status, COUNT(*) AS n FROM runs GROUP BY status",
        )
        .all();
      for (const row of rows) counts[row.status] = row.n;
      return counts;
    },
  };
}
