// What a PostgreSQL failure means for keel: a lost or refused connection is
// the database being away (503 STORE_UNAVAILABLE, and an idempotent read is
// tried once more on a fresh connection); anything else is a real error.

import { AppError, errorMessage } from "../errors.ts";

const CONNECTION_CODES = new Set([
  "ERR_POSTGRES_CONNECTION_CLOSED",
  "ERR_POSTGRES_CONNECTION_REFUSED",
  "ERR_POSTGRES_CONNECTION_TIMEOUT",
  "ERR_POSTGRES_CONNECTION_FAILED",
  "ERR_POSTGRES_IDLE_TIMEOUT",
  "ERR_POSTGRES_LIFETIME_TIMEOUT",
]);

/** SQLSTATE class 08 (connection exception) and 57P01–57P03 (the server shutting down or starting). */
const CONNECTION_STATES = /^(08|57P0[123])/;

export function isConnectionError(error: unknown): boolean {
  const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
  if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
  return typeof errno === "string" && CONNECTION_STATES.test(errno);
}

export const isUniqueViolation = (error: unknown) =>
  (error as { errno?: unknown } | undefined)?.errno === "23505";

export function storeUnavailable(error: unknown): AppError {
  return new AppError("STORE_UNAVAILABLE", `The database is unreachable: ${errorMessage(error)}`);
}

/** Turns a lost connection into STORE_UNAVAILABLE; everything else passes through. */
export async function onPostgres<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw isConnectionError(error) ? storeUnavailable(error) : error;
  }
}

/** An idempotent read: tried once more when the connection was lost under it. */
export async function readWithRetry<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isConnectionError(error)) throw error;
    return onPostgres(work);
  }
}
