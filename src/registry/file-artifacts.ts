// Artifacts as files in one directory, `<sha256>.onnx`: the embedded default
// beside SQLite, and the local cache of every replica. A file is written to a
// temp name, fsynced, renamed into place and its directory fsynced, so a
// version row can only ever point at a complete file.

import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { ArtifactStore } from "./artifacts.ts";

export function createFileArtifactStore(root: string): ArtifactStore & { root: string } {
  mkdirSync(root, { recursive: true });
  const locate = (sha256: string) => `${sha256}.onnx`;
  return {
    root,
    locate,
    async put(sha256, bytes) {
      writeDurably(root, join(root, locate(sha256)), bytes);
    },
    async get(sha256) {
      const file = Bun.file(join(root, locate(sha256)));
      if (!(await file.exists())) return undefined;
      return new Uint8Array(await file.arrayBuffer());
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
