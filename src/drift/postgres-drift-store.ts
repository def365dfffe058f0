// DriftStore on PostgreSQL: one live window that every replica writes into
// (the leader prunes it and runs the checks), reference profiles as bytea,
// reports as jsonb.

import { iso, json, type PgHandle, pgRead, pgWrite } from "../store/postgres-handle.ts";
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
  at: string;
  inputs: Record<string, unknown>;
  prediction: LabelValue;
  probabilities: number[] | null;
  label: LabelValue | null;
  shadow_version: number | null;
  shadow_prediction: LabelValue | null;
  shadow_probabilities: number[] | null;
}

const LIVE_COLUMNS = `prediction_id, model_name, version, at, inputs, prediction, probabilities,
  label, shadow_version, shadow_prediction, shadow_probabilities`;

const shadowOf = (r: LiveRowRecord): ShadowScore | null =>
  r.shadow_version === null
    ? null
    : {
        version: r.shadow_version,
        prediction: r.shadow_prediction!,
        probabilities: r.shadow_probabilities,
      };

interface ReferenceRow {
  id: number;
  model_name: string;
  version: number | null;
  source: "training" | "upload";
  rows: number;
  profile: Uint8Array;
  created_at: Date;
  activated_at?: string;
}

interface ReportRow {
  id: number;
  model_name: string;
  version: number | null;
  reference_id: number;
  trigger: StoredReport["trigger"];
  report: Record<string, unknown>;
  created_at: Date;
}

const toLiveRow = (r: LiveRowRecord): LiveRow => ({
  predictionId: r.prediction_id,
  modelName: r.model_name,
  version: r.version,
  at: Number(r.at),
  inputs: r.inputs,
  prediction: r.prediction,
  probabilities: r.probabilities,
  label: r.label,
  shadow: shadowOf(r),
});

const toReference = (r: ReferenceRow): ReferenceRecord => ({
  id: r.id,
  modelName: r.model_name,
  version: r.version,
  source: r.source,
  rows: r.rows,
  createdAt: iso(r.created_at)!,
  profile: new Uint8Array(r.profile),
});

const toReport = (r: ReportRow): StoredReport => ({
  id: r.id,
  modelName: r.model_name,
  version: r.version,
  referenceId: r.reference_id,
  trigger: r.trigger,
  createdAt: iso(r.created_at)!,
  report: r.report,
});

/** Rows per INSERT, so one statement's JSON stays a few MB. */
const INSERT_CHUNK = 2000;

export function createPostgresDriftStore(db: PgHandle): DriftStore {
  return {
    appendLiveRows: (rows) =>
      pgWrite(db, async (sql) => {
        for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
          const chunk = rows.slice(start, start + INSERT_CHUNK).map((row) => ({
            prediction_id: row.predictionId,
            model_name: row.modelName,
            version: row.version,
            at: row.at,
            inputs: row.inputs,
            prediction: row.prediction,
            probabilities: row.probabilities ?? null,
            shadow_version: row.shadow?.version ?? null,
            shadow_prediction: row.shadow?.prediction ?? null,
            shadow_probabilities: row.shadow?.probabilities ?? null,
          }));
          // One parameter per chunk: the rows travel as one JSON array.
          await sql`
            INSERT INTO live_rows (prediction_id, model_name, version, at, inputs, prediction,
              probabilities, shadow_version, shadow_prediction, shadow_probabilities)
            SELECT prediction_id, model_name, version, at, inputs, prediction,
              probabilities, shadow_version, shadow_prediction, shadow_probabilities
            FROM jsonb_to_recordset(${json(chunk)}::text::jsonb) AS r(prediction_id text,
              model_name text, version integer, at bigint, inputs jsonb, prediction jsonb,
              probabilities jsonb, shadow_version integer, shadow_prediction jsonb,
              shadow_probabilities jsonb)
            ON CONFLICT (prediction_id) DO NOTHING`;
        }
      }),

    setShadowScores: (scores) =>
      pgWrite(db, async (sql) => {
        if (scores.length === 0) return;
        const rows = scores.map(({ predictionId, score }) => ({
          prediction_id: predictionId,
          version: score.version,
          prediction: score.prediction,
          probabilities: score.probabilities ?? null,
        }));
        await sql`
          UPDATE live_rows l SET shadow_version = s.version, shadow_prediction = s.prediction,
            shadow_probabilities = s.probabilities
          FROM jsonb_to_recordset(${json(rows)}::text::jsonb) AS s(prediction_id text,
            version integer, prediction jsonb, probabilities jsonb)
          WHERE l.prediction_id = s.prediction_id`;
      }),

    pruneLiveRows: (modelName, { maxRows, minAt }) =>
      pgWrite(db, async (sql) => {
        const old =
          await sql`DELETE FROM live_rows WHERE model_name = ${modelName} AND at < ${minAt}`;
        const excess = await sql`
          DELETE FROM live_rows WHERE model_name = ${modelName} AND id <= (
            SELECT id FROM live_rows WHERE model_name = ${modelName}
            ORDER BY id DESC LIMIT 1 OFFSET ${maxRows})`;
        return old.count + excess.count;
      }),

    countLiveRows: (modelName, sinceAt = 0) =>
      pgRead(db, async (sql) => {
        const [row] = await sql<{ n: number }[]>`
          SELECT COUNT(*)::integer AS n FROM live_rows WHERE model_name = ${modelName} AND at >= ${sinceAt}`;
        return row!.n;
      }),

    liveRows: (modelName, { sinceAt, limit }) =>
      pgRead(db, async (sql) => {
        const rows = await sql<LiveRowRecord[]>`
          SELECT ${sql.unsafe(LIVE_COLUMNS)} FROM live_rows
          WHERE model_name = ${modelName} AND at >= ${sinceAt} ORDER BY id DESC LIMIT ${limit}`;
        return rows.reverse().map(toLiveRow);
      }),

    findLiveRow: (predictionId) =>
      pgRead(db, async (sql) => {
        const [row] = await sql<LiveRowRecord[]>`
          SELECT ${sql.unsafe(LIVE_COLUMNS)} FROM live_rows
          WHERE prediction_id = ${predictionId}`;
        return row ? toLiveRow(row) : undefined;
      }),

    setLabel: (predictionId, label, at) =>
      pgWrite(db, async (sql) => {
        const [row] = await sql<LiveRowRecord[]>`
          UPDATE live_rows SET label = ${json(label)}::text::jsonb, labelled_at = ${at}
          WHERE prediction_id = ${predictionId}
          RETURNING ${sql.unsafe(LIVE_COLUMNS)}`;
        return row ? toLiveRow(row) : undefined;
      }),

    labelledRows: (modelName) =>
      pgRead(db, async (sql) => {
        const rows = await sql<LiveRowRecord[]>`
          SELECT ${sql.unsafe(LIVE_COLUMNS)} FROM live_rows
          WHERE model_name = ${modelName} AND label IS NOT NULL ORDER BY id`;
        return rows.map(
          (r): LabelledRow => ({
            version: r.version,
            prediction: r.prediction,
            label: r.label!,
            shadow: shadowOf(r),
          }),
        );
      }),

    saveReference: (input) =>
      pgWrite(db, async (sql) => {
        const [row] = await sql<ReferenceRow[]>`
          INSERT INTO drift_references (model_name, version, source, rows, profile, created_at)
          VALUES (${input.modelName}, ${input.version}, ${input.source}, ${input.rows},
            ${input.profile}, now())
          RETURNING *`;
        return toReference(row!);
      }),

    referenceForVersion: (modelName, version) =>
      pgRead(db, async (sql) => {
        const [row] = await sql<ReferenceRow[]>`
          SELECT * FROM drift_references
          WHERE model_name = ${modelName} AND version = ${version} AND source = 'training'
          ORDER BY id DESC LIMIT 1`;
        return row ? toReference(row) : undefined;
      }),

    activeReference: (modelName) =>
      pgRead(db, async (sql) => {
        const [row] = await sql<ReferenceRow[]>`
          SELECT r.*, a.activated_at FROM drift_active_reference a
          JOIN drift_references r ON r.id = a.reference_id WHERE a.model_name = ${modelName}`;
        return row ? { ...toReference(row), activatedAt: Number(row.activated_at) } : undefined;
      }),

    activateReference: (modelName, referenceId, at) =>
      pgWrite(db, async (sql) => {
        await sql`
          INSERT INTO drift_active_reference (model_name, reference_id, activated_at)
          VALUES (${modelName}, ${referenceId}, ${at})
          ON CONFLICT (model_name) DO UPDATE SET reference_id = excluded.reference_id,
            activated_at = excluded.activated_at`;
      }),

    saveReport: (input) =>
      pgWrite(db, async (sql) => {
        const [row] = await sql<ReportRow[]>`
          INSERT INTO drift_reports
            (model_name, version, reference_id, trigger, dataset_drift, drift_share, report, created_at)
          VALUES (${input.modelName}, ${input.version}, ${input.referenceId}, ${input.trigger},
            ${Boolean(input.report.dataset_drift)}, ${Number(input.report.drift_share ?? 0)},
            ${json(input.report)}::text::jsonb, now())
          RETURNING *`;
        return toReport(row!);
      }),

    latestReport: (modelName) =>
      pgRead(db, async (sql) => {
        const [row] = await sql<ReportRow[]>`
          SELECT * FROM drift_reports WHERE model_name = ${modelName} ORDER BY id DESC LIMIT 1`;
        return row ? toReport(row) : undefined;
      }),

    reports: (modelName, limit) =>
      pgRead(db, async (sql) => {
        const rows = await sql<ReportRow[]>`
          SELECT * FROM drift_reports WHERE model_name = ${modelName} ORDER BY id DESC LIMIT ${limit}`;
        return rows.map(toReport);
      }),
  };
}
