// The artifact store on its own: content-addressed files written durably and
// verified on every read.

import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createArtifactStore } from "../../src/registry/artifacts.ts";
import { caughtAppError } from "../helpers/app-error.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";

const tempDir = useTempDirs("keel-artifacts-");
const bytes = (text: string) => new TextEncoder().encode(text);
const sha256Hex = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

describe("artifact store", () => {
  test("creates its root and names each file after its sha256", () => {
    const root = join(tempDir(), "artifacts");
    const stored = createArtifactStore(root).put(bytes("model one"));
    expect(stored).toEqual({
      path: `${sha256Hex(bytes("model one"))}.onnx`,
      sha256: sha256Hex(bytes("model one")),
      sizeBytes: 9,
    });
    expect(readdirSync(root)).toEqual([stored.path]);
  });

  test("the same bytes stored twice share one file", () => {
    const root = tempDir();
    const store = createArtifactStore(root);
    const first = store.put(bytes("same"));
    const second = store.put(bytes("same"));
    expect(second).toEqual(first);
    expect(readdirSync(root)).toEqual([first.path]);
  });

  test("get refuses a file whose content no longer matches its sha256", async () => {
    const root = tempDir();
    const store = createArtifactStore(root);
    const stored = store.put(bytes("original"));
    writeFileSync(join(root, stored.path), "tampered");
    const error = await caughtAppError(() => store.get(stored.path, stored.sha256));
    expect(error.code).toBe("ARTIFACT_CORRUPT");
    expect(error.status).toBe(500);
    expect(error.message).toContain(sha256Hex(bytes("tampered")));
  });

  test("get refuses a path that does not exist", async () => {
    const store = createArtifactStore(tempDir());
    const error = await caughtAppError(() => store.get("gone.onnx", "0".repeat(64)));
    expect(error.code).toBe("ARTIFACT_CORRUPT");
    expect(error.message).toContain("gone.onnx");
  });
});
