// Run tracking's SQLite store: runs, their params and metric series.

import type { Database } from "bun:sqlite";
import { notFound } from "../errors.ts";
import {
  type MetricPoint,
  RUN_STATUSES,
  type Run,
  type RunStatus,
  type RunTrigger,
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

export function createSqliteTracking(options: { db: Database }): Tracking {
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

  return {
    createRun({ modelName, trigger, params = {} }) {
      const id = crypto.randomUUID();
      db.query(
        "INSERT INTO runs (id, model_name, trigger, status, started_at, params) VALUES (?, ?, ?, 'running', ?, ?)",
      ).run(id, modelName, trigger, now(), JSON.stringify(params));
      return toRun(getRow(id));
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
      const current = JSON.parse(getRow(id).params);
      db.query("UPDATE runs SET params = ? WHERE id = ?").run(
        JSON.stringify({ ...current, ...params }),
        id,
      );
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
      db.query(
        `UPDATE runs SET status = ?, finished_at = ?, duration_ms = ?, version = COALESCE(?, version),
           decision = ?, reason = ?, error = ? WHERE id = ?`,
      ).run(
        finish.status,
        finishedAt,
        Date.parse(finishedAt) - Date.parse(row.started_at),
        finish.version ?? null,
        finish.decision ?? null,
        finish.reason ?? null,
        finish.error ?? null,
        id,
      );
      return toRun(getRow(id));
    },

    failInterruptedRuns(reason) {
      const rows = db
        .query<{ id: string }, []>("SELECT id FROM runs WHERE status = 'running'")
        .all();
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
