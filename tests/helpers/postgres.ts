// A real PostgreSQL for the tests, never a mock. KEEL_TEST_DATABASE_URL names a
// server (.ci/run starts a throwaway one); without it, when Debian's
// postgresql binaries are installed, the first caller starts a throwaway
// server of its own (scripts/throwaway-postgres.ts) and stops it when the
// test process exits. Each caller gets a fresh database of its own.

import { SQL } from "bun";
import { postgresBinaries, startPostgresServer } from "../../scripts/throwaway-postgres.ts";

export { type PostgresServer, startPostgresServer } from "../../scripts/throwaway-postgres.ts";

let shared: string | undefined;

/** The admin URL of the server the tests share, or undefined when there is none to be had. */
export function sharedServerUrl(): string | undefined {
  if (process.env.KEEL_TEST_DATABASE_URL) return process.env.KEEL_TEST_DATABASE_URL;
  if (shared) return shared;
  if (!postgresBinaries()) return undefined;
  const server = startPostgresServer();
  process.on("exit", () => server.destroy());
  shared = server.url;
  return shared;
}

/** True when a test may start (and restart) a PostgreSQL server of its own. */
export const canStartPostgres = postgresBinaries() !== undefined;

/** True when the PostgreSQL tests can run here; they are skipped (with a note) otherwise. */
export const hasPostgres = sharedServerUrl() !== undefined;
if (!hasPostgres) {
  console.warn(
    "PostgreSQL tests skipped: set KEEL_TEST_DATABASE_URL or install postgresql (apt-get install postgresql)",
  );
}

/** A new, empty database on `serverUrl` (default: the shared server); returns its URL. */
export async function freshDatabase(serverUrl = sharedServerUrl()): Promise<string> {
  if (!serverUrl) throw new Error("no PostgreSQL server for the tests");
  const name = `keel_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = new SQL(serverUrl, { max: 1 });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
