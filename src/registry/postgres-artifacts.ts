// Artifacts in PostgreSQL itself (the default with DATABASE_URL): one bytea
// row per sha256, written by the registry in the same transaction as the
// version row that names it, so neither can exist without the other.

import { type PgHandle, pgRead, pgWrite } from "../store/postgres-handle.ts";
import type { ArtifactStore } from "./artifacts.ts";

export function createPostgresArtifactStore(db: PgHandle): ArtifactStore {
  return {
    locate: (sha256) => `postgres:${sha256}`,
    put: (sha256, bytes) =>
      pgWrite(db, async (sql) => {
        await sql`INSERT INTO artifacts (sha256, bytes, size_bytes)
                  VALUES (${sha256}, ${bytes}, ${bytes.byteLength})
                  ON CONFLICT (sha256) DO NOTHING`;
      }),
    get: (sha256) =>
      pgRead(db, async (sql) => {
        const [row] = await sql<{ bytes: Uint8Array }[]>`
          SELECT bytes FROM artifacts WHERE sha256 = ${sha256}`;
        return row ? new Uint8Array(row.bytes) : undefined;
      }),
  };
}
