// How the PostgreSQL stores reach the database: through the pool, or through
// the client of an open transaction (stores.transaction hands each store one).
// Reads through the pool are retried once on a lost connection; inside a
// transaction nothing is retried, the transaction fails as a whole.

import type { SQL, TransactionSQL } from "bun";
import { onPostgres, readWithRetry } from "./postgres-errors.ts";

export interface PgHandle {
  sql: SQL;
  /** `sql` is an open transaction's client. */
  inTransaction: boolean;
}

export const pgRead = <T>(db: PgHandle, work: (sql: SQL) => Promise<T>): Promise<T> =>
  db.inTransaction ? work(db.sql) : readWithRetry(() => work(db.sql));

export const pgWrite = <T>(db: PgHandle, work: (sql: SQL) => Promise<T>): Promise<T> =>
  db.inTransaction ? work(db.sql) : onPostgres(() => work(db.sql));

/** Runs `work` in a transaction: the open one, or a new one. */
export const pgAtomically = <T>(
  db: PgHandle,
  work: (tx: TransactionSQL) => Promise<T>,
): Promise<T> =>
  db.inTransaction
    ? work(db.sql as TransactionSQL)
    : onPostgres(() => db.sql.begin((tx) => work(tx)) as Promise<T>);

/** A timestamptz as the ISO text the API shows (and SQLite stores). */
export const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

/**
 * JSON for a jsonb parameter: `${json(x)}::text::jsonb`. jsonb cannot hold U+0000
 * (a client can send it in a value or a key), so it becomes U+FFFD, as an
 * invalid character would.
 */
export function json(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes("\\u0000") ? JSON.stringify(value, withoutNul) : text;
}

function withoutNul(_key: string, value: unknown): unknown {
  if (typeof value === "string") return value.replaceAll("\0", "\ufffd");
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const entries = Object.entries(value);
  if (!entries.some(([k]) => k.includes("\0"))) return value;
  return Object.fromEntries(entries.map(([k, v]) => [k.replaceAll("\0", "\ufffd"), v]));
}
