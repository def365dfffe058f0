// Drift routes: the latest report, the history, a check on demand, and
// replacing the reference with uploaded rows (CSV, JSON lines or parquet).

import { Elysia, t } from "elysia";
import { detectFormat } from "../data/source.ts";
import { decodeTable, type RawTable } from "../data/table.ts";
import type { StoredReport } from "../drift/drift-store.ts";
import type { DriftMonitor } from "../drift/monitor.ts";
import { conflict, notFound } from "../errors.ts";
import type { DriftResponse } from "../pipeline/drift-response.ts";
import { readBytes } from "./body.ts";

const tags = ["drift"];

export const reportView = (stored: StoredReport) => ({
  id: stored.id,
  created_at: stored.createdAt,
  trigger: stored.trigger,
  ...stored.report,
});

/** History entries leave out the per-feature distributions to stay small. */
const summaryView = (stored: StoredReport) => {
  const { features, prediction, ...rest } = reportView(stored) as Record<string, unknown>;
  const strip = (f: unknown) => {
    if (!f || typeof f !== "object") return f;
    const { distribution: _, ...kept } = f as Record<string, unknown>;
    return kept;
  };
  return {
    ...rest,
    features: Array.isArray(features) ? features.map(strip) : [],
    ...(prediction ? { prediction: strip(prediction) } : {}),
  };
};

export function driftRoutes(options: {
  monitor: DriftMonitor;
  response: DriftResponse;
  admin: (headers: Headers) => string;
  maxBodyBytes: number;
}) {
  const { monitor, response, admin } = options;
  return new Elysia({ name: "drift" })
    .get(
      "/drift",
      async () => {
        const latest = await monitor.latest();
        if (!latest) {
          throw notFound(
            "NOT_FOUND",
            "No drift check has run yet: POST /drift/check, or set KEEL_DRIFT_CRON",
          );
        }
        return reportView(latest);
      },
      { detail: { summary: "The latest drift report", tags } },
    )
    .get(
      "/drift/history",
      async ({ query }) => ({
        reports: (await monitor.history(query.limit ?? 50)).map(summaryView),
      }),
      {
        query: t.Object({ limit: t.Optional(t.Numeric({ minimum: 1, maximum: 1000 })) }),
        detail: { summary: "Past drift reports, newest first (without distributions)", tags },
      },
    )
    .post(
      "/drift/check",
      async ({ request }) => {
        admin(request.headers);
        const check = await monitor.check("api");
        // Asked for now, a check with nothing to compare yet is refused (409) with the reason.
        if (check.outcome === "skipped") throw conflict(check.reason);
        const action = await response.respond(check.report, check.stored.id);
        return { ...reportView(check.stored), action };
      },
      {
        detail: {
          summary: "Compare the live window with the reference now (admin)",
          description:
            "Needs KEEL_DRIFT_MIN_ROWS rows captured since the reference went live (409 otherwise). " +
            "With KEEL_DRIFT_ACTION=retrain a dataset-drift verdict starts a retrain; `action` says what happened.",
          tags,
          security: [{ bearer: [] }],
        },
      },
    )
    .put(
      "/drift/reference",
      async ({ request }) => {
        admin(request.headers);
        const bytes = await readBytes(request, options.maxBodyBytes);
        const format = detectFormat("", request.headers.get("content-type") ?? undefined, bytes);
        const table = await decodeTable(bytes, format, "the body", options.maxBodyBytes);
        const record = await monitor.replaceReference(records(table), table.columns);
        return {
          reference: {
            id: record.id,
            source: record.source,
            rows: record.rows,
            created_at: record.createdAt,
          },
        };
      },
      {
        parse: "none",
        detail: {
          summary: "Replace the drift reference with uploaded rows (admin)",
          description:
            "Body: CSV with a header row (Content-Type text/csv), JSON lines, or a parquet file (Content-Type application/vnd.apache.parquet). Every feature of the served model must be a column; other columns are ignored.",
          tags,
          security: [{ bearer: [] }],
        },
      },
    );
}

function records(table: RawTable): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = new Array(table.rows);
  for (let r = 0; r < table.rows; r++) {
    const row: Record<string, unknown> = {};
    table.columns.forEach((name, c) => {
      row[name] = table.cells[c]![r];
    });
    rows[r] = row;
  }
  return rows;
}
