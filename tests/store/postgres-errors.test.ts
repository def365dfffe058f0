// What a PostgreSQL failure means: a lost or refused connection is the
// database being away (503 STORE_UNAVAILABLE, a read tried once more); a real
// error, like a unique violation, passes through untouched.

import { describe, expect, test } from "bun:test";
import { SQL } from "bun";
import {
  isConnectionError,
  isUniqueViolation,
  readWithRetry,
} from "../../src/store/postgres-errors.ts";
import { caughtAppError } from "../helpers/app-error.ts";
import { freshDatabase, hasPostgres } from "../helpers/postgres.ts";

/** The error Bun's client gives for a server that is not there. */
async function refusedConnection(): Promise<unknown> {
  const sql = new SQL("postgres://postgres@127.0.0.1:1/none", { connectionTimeout: 2 });
  try {
    await sql`SELECT 1`;
  } catch (error) {
    return error;
  } finally {
    await sql.close({ timeout: 0 });
  }
  throw new Error("connected to nothing");
}

describe("PostgreSQL errors", () => {
  test("a refused connection is a connection error; a read is tried once more, then a 503", async () => {
    const refused = await refusedConnection();
    expect(isConnectionError(refused)).toBe(true);
    let calls = 0;
    const value = await readWithRetry(async () => {
      calls++;
      if (calls === 1) throw refused;
      return "answered";
    });
    expect(value).toBe("answered");
    calls = 0;
    const error = await caughtAppError(() =>
      readWithRetry(async () => {
        calls++;
        throw refused;
      }),
    );
    expect(calls).toBe(2);
    expect(error.code).toBe("STORE_UNAVAILABLE");
  });

  test.skipIf(!hasPostgres)(
    "a unique violation is a real error: not retried, not a 503",
    async () => {
      const sql = new SQL(await freshDatabase(), { max: 1 });
      await sql`CREATE TABLE t (id integer PRIMARY KEY)`;
      await sql`INSERT INTO t VALUES (1)`;
      let calls = 0;
      const failure = await readWithRetry(async () => {
        calls++;
        await sql`INSERT INTO t VALUES (1)`;
      }).catch((error: unknown) => error);
      await sql.close();
      expect(calls).toBe(1);
      expect(isUniqueViolation(failure)).toBe(true);
      expect(isConnectionError(failure)).toBe(false);
    },
  );
});
