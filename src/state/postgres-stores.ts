// The stores on PostgreSQL (DATABASE_URL), shared by every replica: the
// registry, tracking and drift stores over one pool, a transaction that spans
// them, and ONNX bytes in the database (bytea) or in S3, cached under
// KEEL_HOME by sha256.

import type { SQL } from "bun";
import { joinPostgresCluster } from "../cluster/postgres-cluster.ts";
import { redactSource } from "../data/source.ts";
import { createPostgresDriftStore } from "../drift/postgres-drift-store.ts";
import { withArtifactCache } from "../registry/artifact-cache.ts";
import type { ArtifactStore } from "../registry/artifacts.ts";
import { createPostgresArtifactStore } from "../registry/postgres-artifacts.ts";
import { createPostgresRegistry } from "../registry/postgres-registry.ts";
import { connectPostgres, migratePostgres } from "../store/postgres.ts";
import { onPostgres } from "../store/postgres-errors.ts";
import type { PgHandle } from "../store/postgres-handle.ts";
import { createPostgresTracking } from "../tracking/postgres-tracking.ts";
import type { StorePorts, Stores } from "./stores.ts";

export async function openPostgresStores(options: {
  url: string;
  /** S3 (already cached); undefined keeps the bytes in the database. */
  artifacts?: ArtifactStore;
  /** Where this replica caches artifacts it reads from the database. */
  cacheDir: string;
  waitMs?: number;
}): Promise<Stores> {
  const sql = await connectPostgres(options.url, { waitMs: options.waitMs });
  try {
    await migratePostgres(sql);
  } catch (error) {
    await sql.close({ timeout: 0 });
    throw error;
  }
  const artifactsOn = (db: PgHandle) =>
    options.artifacts ?? withArtifactCache(createPostgresArtifactStore(db), options.cacheDir);
  const portsOn = (db: PgHandle): StorePorts => ({
    registry: createPostgresRegistry({ db, artifactsOn }),
    tracking: createPostgresTracking({ db }),
    drift: createPostgresDriftStore(db),
  });
  return {
    backend: "postgres",
    where: redactSource(options.url),
    ...portsOn({ sql, inTransaction: false }),
    transaction: (work) =>
      onPostgres(
        () =>
          sql.begin((tx) => work(portsOn({ sql: tx, inTransaction: true }))) as ReturnType<
            typeof work
          >,
      ),
    joinCluster: (cluster) => joinPostgresCluster({ sql: sql as SQL, ...cluster }),
    close: () => sql.close({ timeout: 2 }),
  };
}
