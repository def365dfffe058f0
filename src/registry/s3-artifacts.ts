// Artifacts in S3-compatible storage (KEEL_ARTIFACT_URL=s3://bucket/prefix),
// through Bun's own S3 client: `<prefix>/<sha256>.onnx`. Credentials, region
// and endpoint come from the usual variables (S3_ACCESS_KEY_ID,
// S3_SECRET_ACCESS_KEY, S3_SESSION_TOKEN, S3_REGION, S3_ENDPOINT, or their
// AWS_ names), read when the store opens.

import { S3Client } from "bun";
import { AppError, errorMessage } from "../errors.ts";
import type { ArtifactStore } from "./artifacts.ts";

type Env = Record<string, string | undefined>;

export function createS3ArtifactStore(url: string, env: Env = process.env): ArtifactStore {
  const { bucket, prefix } = parseS3Url(url);
  const either = (name: string) => env[`S3_${name}`] ?? env[`AWS_${name}`];
  const client = new S3Client({
    bucket,
    accessKeyId: either("ACCESS_KEY_ID"),
    secretAccessKey: either("SECRET_ACCESS_KEY"),
    sessionToken: either("SESSION_TOKEN"),
    region: either("REGION"),
    endpoint: either("ENDPOINT") ?? env.AWS_ENDPOINT_URL,
  });
  const key = (sha256: string) => `${prefix}${sha256}.onnx`;
  const unavailable = (what: string, error: unknown) =>
    new AppError("STORE_UNAVAILABLE", `S3 (${url}) could not ${what}: ${errorMessage(error)}`);
  return {
    locate: (sha256) => `s3://${bucket}/${key(sha256)}`,
    async put(sha256, bytes) {
      const file = client.file(key(sha256));
      try {
        // Content-addressed: an object already there holds these very bytes.
        if (await file.exists()) return;
        await file.write(bytes, { type: "application/octet-stream" });
      } catch (error) {
        throw unavailable(`store artifact ${sha256}`, error);
      }
    },
    async get(sha256) {
      const file = client.file(key(sha256));
      try {
        return new Uint8Array(await file.arrayBuffer());
      } catch (error) {
        if ((error as { code?: string }).code === "NoSuchKey") return undefined;
        throw unavailable(`read artifact ${sha256}`, error);
      }
    },
  };
}

export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match) throw new Error(`Not an s3:// URL: ${url}`);
  const path = match[2]!.replace(/^\/+|\/+$/g, "");
  return { bucket: match[1]!, prefix: path ? `${path}/` : "" };
}
