// A replica's local copy of artifacts kept elsewhere (PostgreSQL, S3): a read
// is served from KEEL_HOME when a file there still has the right sha256, and
// fetched (then kept) otherwise, so a restart or a swap back to an earlier
// version does not download the model again. A damaged cache file is fetched
// anew, never served.

import { sha256Hex } from "../sha256.ts";
import type { ArtifactStore } from "./artifacts.ts";
import { createFileArtifactStore } from "./file-artifacts.ts";

export function withArtifactCache(remote: ArtifactStore, cacheDir: string): ArtifactStore {
  const cache = createFileArtifactStore(cacheDir);
  return {
    locate: remote.locate,
    async put(sha256, bytes) {
      await remote.put(sha256, bytes);
      await cache.put(sha256, bytes);
    },
    async get(sha256) {
      const cached = await cache.get(sha256);
      if (cached && sha256Hex(cached) === sha256) return cached;
      const fetched = await remote.get(sha256);
      if (fetched && sha256Hex(fetched) === sha256) await cache.put(sha256, fetched);
      return fetched;
    },
  };
}
