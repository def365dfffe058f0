// Content-addressed ONNX artifacts on disk. A file is written to a temp name,
// fsynced, renamed into place and its directory fsynced, so a version row can
// only ever point at a complete file; reads verify the sha256.

import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { join, relative } from "node:path";
import { AppError } from "../errors.ts";
import { sha256Hex } from "../sha256.ts";

export interface StoredArtifact {
  /** Path relative to the artifact root. */
  path: string;
  sha256: string;
  sizeBytes: number;
}

export interface ArtifactStore {
  put(bytes: Uint8Array): StoredArtifact;
  /** Reads an artifact and checks it still has the sha256 it was registered with. */
  get(path: string, sha256: string): Promise<Uint8Array>;
  root: string;
}

export function createArtifactStore(root: string): ArtifactStore {
  mkdirSync(root, { recursive: true });
  return {
    root,
    put(bytes) {
      const sha256 = sha256Hex(bytes);
      const finalPath = join(root, `${sha256}.onnx`);
      writeDurably(root, finalPath, bytes);
      return { path: relative(root, finalPath), sha256, sizeBytes: bytes.byteLength };
    },
    async get(path, sha256) {
      const file = Bun.file(join(root, path));
      if (!(await file.exists())) {
        throw new AppError("ARTIFACT_CORRUPT", 500, `Artifact ${path} is missing from ${root}`);
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      const actual = sha256Hex(bytes);
      if (actual !== sha256) {
        throw new AppError(
          "ARTIFACT_CORRUPT",
          500,
          `Artifact ${path} has sha256 ${actual}, expected ${sha256}: the file was changed or damaged`,
        );
      }
      return bytes;
    },
  };
}

function writeDurably(dir: string, finalPath: string, bytes: Uint8Array): void {
  const tempPath = `${finalPath}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(tempPath, "w", 0o644);
  try {
    let offset = 0;
    while (offset < bytes.byteLength) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tempPath, finalPath);
  const dirFd = openSync(dir, "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
