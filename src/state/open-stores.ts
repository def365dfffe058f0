// The one place that opens keel's stores from the settings, for the service
// and the CLI alike: PostgreSQL when DATABASE_URL is set (several replicas,
// ONNX bytes in the database or in S3, KEEL_HOME only a cache), else SQLite
// in KEEL_HOME with the artifacts beside it.

import { join } from "node:path";
import { withArtifactCache } from "../registry/artifact-cache.ts";
import { createFileArtifactStore } from "../registry/file-artifacts.ts";
import { createS3ArtifactStore } from "../registry/s3-artifacts.ts";
import { openPostgresStores } from "./postgres-stores.ts";
import { openSqliteStores, sqlitePath } from "./sqlite-stores.ts";
import type { Stores } from "./stores.ts";

export interface StoreLocation {
  /** KEEL_HOME: the SQLite file and artifacts, or with PostgreSQL the artifact cache. */
  home: string;
  /** DATABASE_URL */
  databaseUrl?: string;
  /** KEEL_ARTIFACT_URL */
  artifactUrl?: string;
}

export async function openStores(
  location: StoreLocation,
  options: { waitForDatabaseMs?: number } = {},
): Promise<Stores> {
  const artifactDir = join(location.home, "artifacts");
  const s3 = location.artifactUrl
    ? withArtifactCache(createS3ArtifactStore(location.artifactUrl), artifactDir)
    : undefined;
  if (location.databaseUrl) {
    return openPostgresStores({
      url: location.databaseUrl,
      artifacts: s3,
      cacheDir: artifactDir,
      waitMs: options.waitForDatabaseMs,
    });
  }
  return openSqliteStores({
    path: sqlitePath(location.home),
    artifacts: s3 ?? createFileArtifactStore(artifactDir),
  });
}
