// Connects to keel's PostgreSQL database (Bun's built-in client, a pool) and
// brings its schema up to date. Migrations are the numbered SQL files of
// migrations/postgres, applied in order, once each, under an advisory lock so
// replicas starting together migrate once.

import { SQL } from "bun";
import { redactSource } from "../data/source.ts";
import { AppError, errorMessage } from "../errors.ts";
import { type Migration, POSTGRES_MIGRATIONS } from "./migrations/index.ts";
import { isConnectionError } from "./postgres-errors.ts";
import { LOCK_NAMESPACE } from "./postgres-names.ts";

export interface PostgresOptions {
  /** Pool size: serving never queries, so a few connections carry the API, the window and training. */
  max?: number;
  /** Keeps trying this long for a database that is not up yet (a service starting beside it). */
  waitMs?: number;
}

export async function connectPostgres(url: string, options: PostgresOptions = {}): Promise<SQL> {
  const sql = new SQL(url, {
    max: options.max ?? 6,
    connectionTimeout: 5,
    idleTimeout: 60,
    connection: { application_name: "keel" },
  });
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    try {
      await sql`SELECT 1`;
      return sql;
    } catch (error) {
      if (isConnectionError(error) && Date.now() < deadline) {
        await Bun.sleep(1000);
        continue;
      }
      await sql.close({ timeout: 0 }).catch(() => undefined);
      throw new AppError(
        "STORE_UNAVAILABLE",
        `Cannot connect to PostgreSQL at ${redactSource(url)}: ${errorMessage(error)}`,
      );
    }
  }
}

export async function migratePostgres(
  sql: SQL,
  migrations: Migration[] = POSTGRES_MIGRATIONS,
): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE.migrations}, 0)`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`;
    const applied = new Set(
      (await tx<{ version: number }[]>`SELECT version FROM schema_migrations`).map(
        (r) => r.version,
      ),
    );
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await tx.unsafe(migration.sql);
      await tx`INSERT INTO schema_migrations (version, name, applied_at)
               VALUES (${migration.version}, ${migration.name}, now())`;
    }
  });
}
