// Where ONNX bytes live: content-addressed files written durably, every read
// verified against its sha256, the local cache of a replica, PostgreSQL's
// bytea table (in the registering transaction) and S3-compatible storage.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SQL } from "bun";
import { withArtifactCache } from "../../src/registry/artifact-cache.ts";
import { type ArtifactStore, readVerified } from "../../src/registry/artifacts.ts";
import { createFileArtifactStore } from "../../src/registry/file-artifacts.ts";
import { createS3ArtifactStore } from "../../src/registry/s3-artifacts.ts";
import { sha256Hex } from "../../src/sha256.ts";
import { openStores, type StoreLocation } from "../../src/state/open-stores.ts";
import type { Stores } from "../../src/state/stores.ts";
import { caughtAppError } from "../helpers/app-error.ts";
import { skl2onnxClassifier } from "../helpers/onnx-models.ts";
import { freshDatabase, hasPostgres } from "../helpers/postgres.ts";
import { registerClassifier } from "../helpers/registered.ts";
import { type S3Server, startS3Server } from "../helpers/s3.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";

const tempDir = useTempDirs("keel-artifacts-");
const bytes = (text: string) => new TextEncoder().encode(text);

/** An artifact store that counts its reads. */
function counting(store: ArtifactStore) {
  const counted = { reads: 0 };
  return {
    counted,
    store: {
      ...store,
      get: (sha256: string) => {
        counted.reads++;
        return store.get(sha256);
      },
    } satisfies ArtifactStore,
  };
}

const registerOn = (stores: Stores, bias = 0) => registerClassifier(stores.registry, bias);

describe("file artifacts", () => {
  test("each file is named after its sha256, and the same bytes share one file", async () => {
    const root = join(tempDir(), "artifacts");
    const store = createFileArtifactStore(root);
    const sha = sha256Hex(bytes("model one"));
    await store.put(sha, bytes("model one"));
    await store.put(sha, bytes("model one"));
    expect(readdirSync(root)).toEqual([`${sha}.onnx`]);
    expect(store.locate(sha)).toBe(`${sha}.onnx`);
    expect(await store.get(sha)).toEqual(bytes("model one"));
    expect(await store.get("0".repeat(64))).toBeUndefined();
  });

  test("no temp file is left behind", async () => {
    const root = tempDir();
    const store = createFileArtifactStore(root);
    for (const text of ["a", "b", "a"]) await store.put(sha256Hex(bytes(text)), bytes(text));
    expect(readdirSync(root).filter((f) => !f.endsWith(".onnx"))).toEqual([]);
  });
});

describe("verified reads", () => {
  test("refuse bytes that no longer match their sha256, naming the digest found", async () => {
    const root = tempDir();
    const store = createFileArtifactStore(root);
    const sha = sha256Hex(bytes("original"));
    await store.put(sha, bytes("original"));
    writeFileSync(join(root, `${sha}.onnx`), "tampered");
    const error = await caughtAppError(() => readVerified(store, sha));
    expect(error.code).toBe("ARTIFACT_CORRUPT");
    expect(error.message).toContain(sha256Hex(bytes("tampered")));
  });

  test("refuse an artifact that is not there, naming where it should be", async () => {
    const store = createFileArtifactStore(tempDir());
    const error = await caughtAppError(() => readVerified(store, "0".repeat(64)));
    expect(error.code).toBe("ARTIFACT_CORRUPT");
    expect(error.message).toContain(`${"0".repeat(64)}.onnx is missing`);
  });
});

describe("a replica's artifact cache", () => {
  test("fetches once, then reads the cached copy", async () => {
    const remote = counting(createFileArtifactStore(tempDir()));
    const cached = withArtifactCache(remote.store, tempDir());
    const sha = sha256Hex(bytes("weights"));
    await remote.store.put(sha, bytes("weights"));
    expect(await readVerified(cached, sha)).toEqual(bytes("weights"));
    expect(await readVerified(cached, sha)).toEqual(bytes("weights"));
    expect(remote.counted.reads).toBe(1);
  });

  test("a damaged cached copy is fetched again, never served", async () => {
    const remote = counting(createFileArtifactStore(tempDir()));
    const cacheDir = tempDir();
    const cached = withArtifactCache(remote.store, cacheDir);
    const sha = sha256Hex(bytes("weights"));
    await cached.put(sha, bytes("weights"));
    writeFileSync(join(cacheDir, `${sha}.onnx`), "bit rot");
    expect(await readVerified(cached, sha)).toEqual(bytes("weights"));
    expect(remote.counted.reads).toBe(1);
    expect(await Bun.file(join(cacheDir, `${sha}.onnx`)).text()).toBe("weights");
  });
});

describe.skipIf(!hasPostgres)("artifacts in PostgreSQL", () => {
  test("go into the database with their version; a new replica reads, verifies and caches them", async () => {
    const databaseUrl = await freshDatabase();
    const first = await openStores({ home: tempDir(), databaseUrl });
    const version = await registerOn(first);
    expect(version.artifactPath).toBe(`postgres:${version.sha256}`);
    const secondHome = tempDir();
    const second = await openStores({ home: secondHome, databaseUrl });
    expect(await second.registry.readArtifact(version)).toEqual(skl2onnxClassifier());
    expect(readdirSync(join(secondHome, "artifacts"))).toEqual([`${version.sha256}.onnx`]);
    await first.close();
    await second.close();
  });

  test("a rolled-back registration leaves no artifact row", async () => {
    const databaseUrl = await freshDatabase();
    const stores = await openStores({ home: tempDir(), databaseUrl });
    await stores
      .transaction(async (tx) => {
        await registerOn(tx as Stores);
        throw new Error("crash");
      })
      .catch(() => undefined);
    const sql = new SQL(databaseUrl);
    expect((await sql`SELECT COUNT(*)::integer AS n FROM artifacts`)[0].n).toBe(0);
    await sql.close();
    await stores.close();
  });

  test("bytes changed in the database are refused on read (with no cached copy)", async () => {
    const databaseUrl = await freshDatabase();
    const stores = await openStores({ home: tempDir(), databaseUrl });
    const version = await registerOn(stores);
    const sql = new SQL(databaseUrl);
    await sql`UPDATE artifacts SET bytes = ${bytes("tampered")}`;
    await sql.close();
    const fresh = await openStores({ home: tempDir(), databaseUrl });
    const error = await caughtAppError(() => fresh.registry.readArtifact(version));
    expect(error.code).toBe("ARTIFACT_CORRUPT");
    await stores.close();
    await fresh.close();
  });
});

describe("artifacts in S3-compatible storage", () => {
  let s3: S3Server;
  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(() => s3.stop());

  test("are stored under the prefix by sha256 and read back", async () => {
    const store = createS3ArtifactStore(`s3://${s3.bucket}/models/weather`);
    const sha = sha256Hex(bytes("weights"));
    await store.put(sha, bytes("weights"));
    await store.put(sha, bytes("weights"));
    expect(store.locate(sha)).toBe(`s3://${s3.bucket}/models/weather/${sha}.onnx`);
    expect(await store.get(sha)).toEqual(bytes("weights"));
    expect(await store.get("0".repeat(64))).toBeUndefined();
  });

  test("an unreachable endpoint is a 503 naming S3, not a missing artifact", async () => {
    const store = createS3ArtifactStore("s3://nowhere/x", {
      S3_ENDPOINT: "http://127.0.0.1:1",
      S3_ACCESS_KEY_ID: "a",
      S3_SECRET_ACCESS_KEY: "b",
    });
    const error = await caughtAppError(() => store.get("0".repeat(64)));
    expect(error.code).toBe("STORE_UNAVAILABLE");
    expect(error.message).toContain("S3");
  });

  test("KEEL_ARTIFACT_URL puts a registry's artifacts in S3, on SQLite and on PostgreSQL", async () => {
    const artifactUrl = `s3://${s3.bucket}/keel`;
    const locations: StoreLocation[] = [{ home: tempDir(), artifactUrl }];
    if (hasPostgres) {
      locations.push({ home: tempDir(), artifactUrl, databaseUrl: await freshDatabase() });
    }
    for (const location of locations) {
      const stores = await openStores(location);
      const version = await registerOn(stores, Math.random());
      expect(version.artifactPath).toBe(`${artifactUrl}/${version.sha256}.onnx`);
      const other = await openStores({ ...location, home: tempDir() });
      expect(sha256Hex(await other.registry.readArtifact(version))).toBe(version.sha256);
      await stores.close();
      await other.close();
    }
  });
});
