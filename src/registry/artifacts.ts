// Where ONNX bytes live. An artifact is named by its sha256: content-addressed
// and immutable, so the same model stored twice is one object, a half-written
// upload can never be mistaken for a finished one, and every read is checked
// against the digest its version row recorded.

import { AppError } from "../errors.ts";
import { sha256Hex } from "../sha256.ts";

export interface ArtifactStore {
  /** Where an artifact is kept, as a version records it: a file name, `postgres:<sha256>`, an s3:// URL. */
  locate(sha256: string): string;
  /** Stores the bytes under their sha256; storing the same bytes again changes nothing. */
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  /** The stored bytes, or undefined when this store does not hold them; not yet verified. */
  get(sha256: string): Promise<Uint8Array | undefined>;
}

/** Reads an artifact and checks it still has the sha256 it was registered with. */
export async function readVerified(store: ArtifactStore, sha256: string): Promise<Uint8Array> {
  const where = store.locate(sha256);
  const bytes = await store.get(sha256);
  if (!bytes) throw new AppError("ARTIFACT_CORRUPT", `Artifact ${where} is missing`);
  const actual = sha256Hex(bytes);
  if (actual !== sha256) {
    throw new AppError(
      "ARTIFACT_CORRUPT",
      `Artifact ${where} has sha256 ${actual}, expected ${sha256}: it was changed or damaged`,
    );
  }
  return bytes;
}
