// DriftStore on keel's SQLite database (tables from migration 002_drift.sql);
// synchronous, src/state/sqlite-stores.ts gives it its async port.

import type { Database } from "bun:sqlite";
import type { Synchronous } from "../store/sqlite-gate.ts";
import type {
  DriftStore,
  LabelledRow,
  LabelValue,
  LiveRow,
  ReferenceRecord,
  ShadowScore,
  StoredReport,
} from "./drift-store.ts";

interface LiveRowRecord {
  prediction_id: string;
  model_name: string;
  version: number;
  at: number;
  inputs: string;
  prediction: string;
  probabilities: string | null;
  label: string | null;
  shadow_version: number | null;
  shadow_prediction: string | null;
  shadow_probabilities: string | null;
}

const parsed = (text: string | null) => (text === null ? null : JSON.parse(text));

const shadowOf = (r: {
  shadow_version: number | null;
  shadow_prediction: string | null;
  shadow_probabilities: string | null;
}): ShadowScore | null =>
  r.shadow_version === null
    ? null
    : {
        version: r.shadow_version,
        prediction: JSON.parse(r.shadow_prediction!),
        probabilities: parsed(r.shadow_probabilities),
      };

interface ReferenceRow {
  id: number;
  model_name: string;
  version: number | null;
  source: "training" | "upload";
  rows: number;
  profile: Uint8Array;
  created_at: string;
  activated_at?: number;
}

interface ReportRow {
  id: number;
  model_name: string;
  version: number | null;
  reference_id: number;
  trigger: StoredReport["trigger"];
  report: string;
  created_at: string;
}

const toLiveRow = (r: LiveRowRecord): LiveRow => ({
  predictionId: r.prediction_id,
  modelName: r.model_name,
  version: r.version,
  at: r.at,
  inputs: JSON.parse(r.inputs),
  prediction: JSON.parse(r.prediction),
  probabilities: parsed(r.probabilities),
  label: parsed(r.label),
  shadow: shadowOf(r),
});

const toReference = (r: ReferenceRow): ReferenceRecord => ({
  id: r.id,
  modelName: r.model_name,
  version: r.version,
  source: r.source,
  rows: r.rows,
  createdAt: r.created_at,
  profile: r.profile,
});

const toReport = (r: ReportRow): StoredReport => ({
  id: r.id,
  modelName: r.model_name,
  version: r.version,
  referenceId: r.reference_id,
  trigger: r.trigger,
  createdAt: r.created_at,
  report: JSON.parse(r.report),
});

export function createSqliteDriftStore(db: Database): Synchronous<DriftStore> {
  const insertLive = db.query(
    `INSERT OR IGNORE INTO live_rows (prediction_id, model_name, version, at, inputs, prediction,
       probabilities, shadow_version, shadow_prediction, shadow_probabilities)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const text = (value: unknown) => (value == null ? null : JSON.stringify(value));
  const appendAll = db.transaction((rows: LiveRow[]) => {
    for (const row of rows) {
      insertLive.run(
        row.predictionId,
        row.modelName,
        row.version,
        row.at,
        JSON.stringify(row.inputs),
        JSON.stringify(row.prediction),
        text(row.probabilities),
        row.shadow?.version ?? null,
        text(row.shadow?.prediction),
        text(row.shadow?.probabilities),
      );
    }
  });
  const updateShadow = db.query(
    `UPDATE live_rows SET shadow_version = ?, shadow_prediction = ?, shadow_probabilities = ?
     WHERE prediction_id = ?`,
  );
  const setShadows = db.transaction((scores: { predictionId: string; score: ShadowScore }[]) => {
    for (const { predictionId, score } of scores) {
      updateShadow.run(
        score.version,
        JSON.stringify(score.prediction),
        text(score.probabilities),
        predictionId,
      );
    }
  });
  const liveColumns =
    "prediction_id, model_name, version, at, inputs, prediction, probabilities, label, shadow_version, shadow_prediction, shadow_probabilities";

  return {
    appendLiveRows(rows) {
      if (rows.length > 0) appendAll(rows);
    },
    setShadowScores(scores) {
      if (scores.length > 0) setShadows(scores);
    },
    pruneLiveRows(modelName, { maxRows, minAt }) {
      const old = db
        .query("DELETE FROM live_rows WHERE model_name = ? AND at < ?")
        .run(modelName, minAt).changes;
      const excess = db
        .query(
          `DELETE FROM live_rows WHERE model_name = ?1 AND id <= (
             SELECT id FROM live_rows WHERE model_name = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)`,
        )
        .run(modelName, maxRows).changes;
      return old + excess;
    },
    countLiveRows(modelName, sinceAt = 0) {
      return db
        .query<{ n: number }, [string, number]>(
          "SELECT COUNT(*) AS n FROM live_rows WHERE model_name = ? AND at >= ?",
        )
        .get(modelName, sinceAt)!.n;
    },
    liveRows(modelName, { sinceAt, limit }) {
      return db
        .query<LiveRowRecord, [string, number, number]>(
          `SELECT ${liveColumns} FROM live_rows WHERE model_name = ? AND at >= ?
           ORDER BY id DESC LIMIT ?`,
        )
        .all(modelName, sinceAt, limit)
        .reverse()
        .map(toLiveRow);
    },
    findLiveRow(predictionId) {
      const row = db
        .query<LiveRowRecord, [string]>(
          `SELECT ${liveColumns} FROM live_rows WHERE prediction_id = ?`,
        )
        .get(predictionId);
      return row ? toLiveRow(row) : undefined;
    },
    setLabel(predictionId, label: LabelValue, at) {
      const updated = db
        .query<LiveRowRecord, [string, number, string]>(
          `UPDATE live_rows SET label = ?, labelled_at = ? WHERE prediction_id = ?
           RETURNING ${liveColumns}`,
        )
        .get(JSON.stringify(label), at, predictionId);
      return updated ? toLiveRow(updated) : undefined;
    },
    labelledRows(modelName) {
      return db
        .query<LiveRowRecord, [string]>(
          `SELECT ${liveColumns} FROM live_rows
           WHERE model_name = ? AND label IS NOT NULL ORDER BY id`,
        )
        .all(modelName)
        .map(
          (r): LabelledRow => ({
            version: r.version,
            prediction: JSON.parse(r.prediction),
            label: JSON.parse(r.label!),
            shadow: shadowOf(r),
          }),
        );
    },
    saveReference(input) {
      const row = db
        .query<ReferenceRow, [string, number | null, string, number, Uint8Array, string]>(
          `INSERT INTO drift_references (model_name, version, source, rows, profile, created_at)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(
          input.modelName,
          input.version,
          input.source,
          input.rows,
          input.profile,
          new Date().toISOString(),
        )!;
      return toReference(row);
    },
    referenceForVersion(modelName, version) {
      const row = db
        .query<ReferenceRow, [string, number]>(
          `SELECT * FROM drift_references WHERE model_name = ? AND version = ? AND source = 'training'
           ORDER BY id DESC LIMIT 1`,
        )
        .get(modelName, version);
      return row ? toReference(row) : undefined;
    },
    activeReference(modelName) {
      const row = db
        .query<ReferenceRow, [string]>(
          `SELECT r.*, a.activated_at FROM drift_active_reference a
           JOIN drift_references r ON r.id = a.reference_id WHERE a.model_name = ?`,
        )
        .get(modelName);
      return row ? { ...toReference(row), activatedAt: row.activated_at! } : undefined;
    },
    activateReference(modelName, referenceId, at) {
      db.query(
        `INSERT INTO drift_active_reference (model_name, reference_id, activated_at) VALUES (?, ?, ?)
         ON CONFLICT(model_name) DO UPDATE SET reference_id = excluded.reference_id,
           activated_at = excluded.activated_at`,
      ).run(modelName, referenceId, at);
    },
    saveReport(input) {
      const row = db
        .query<ReportRow, [string, number | null, number, string, number, number, string, string]>(
          `INSERT INTO drift_reports
             (model_name, version, reference_id, trigger, dataset_drift, drift_share, report, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(
          input.modelName,
          input.version,
          input.referenceId,
          input.trigger,
          input.report.dataset_drift ? 1 : 0,
          Number(input.report.drift_share ?? 0),
          JSON.stringify(input.report),
          new Date().toISOString(),
        )!;
      return toReport(row);
    },
    latestReport(modelName) {
      const row = db
        .query<ReportRow, [string]>(
          "SELECT * FROM drift_reports WHERE model_name = ? ORDER BY id DESC LIMIT 1",
        )
        .get(modelName);
      return row ? toReport(row) : undefined;
    },
    reports(modelName, limit) {
      return db
        .query<ReportRow, [string, number]>(
          "SELECT * FROM drift_reports WHERE model_name = ? ORDER BY id DESC LIMIT ?",
        )
        .all(modelName, limit)
        .map(toReport);
    },
  };
}
