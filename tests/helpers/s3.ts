// A real S3-compatible server for the tests (s3rver: the S3 REST protocol
// over files in a temp dir), on a free loopback port, with one bucket.
// Bun's S3 client is pointed at it through the environment it reads.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

export interface S3Server {
  endpoint: string;
  bucket: string;
  /** The environment Bun's S3 client reads to reach this server. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startS3Server(bucket = "keel-models"): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), "keel-s3-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const env = {
    S3_ENDPOINT: endpoint,
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
    S3_REGION: "us-east-1",
  };
  const previous = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return {
    endpoint,
    bucket,
    env,
    async stop() {
      await server.close();
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
