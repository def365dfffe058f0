// Helpers for tests that run keel replicas as processes on one PostgreSQL.

import { expect } from "bun:test";
import { SQL } from "bun";
import { waitFor } from "../http/harness.ts";
import type { KeelProcess } from "../main/process.ts";

export const SAMPLE = { precipitation: 0.5, temp_max: 14.2, temp_min: 6.1, wind: 3.4 };

export const ready = (keel: KeelProcess) =>
  waitFor(
    async () => {
      const res = await keel.request("GET", "/ready").catch(() => undefined);
      return res?.status === 200 ? res.json() : undefined;
    },
    "/ready",
    60_000,
  );

/** The version a replica answers /predict with. */
export async function servedVersion(keel: KeelProcess): Promise<number | undefined> {
  const res = await keel.request("POST", "/predict", SAMPLE);
  if (res.status !== 200) return undefined;
  return (await res.json()).model.version;
}

export async function stopAll(replicas: KeelProcess[]): Promise<void> {
  for (const keel of replicas) keel.proc.kill("SIGTERM");
  await Promise.all(
    replicas.map(async (keel) => {
      const timer = setTimeout(() => keel.proc.kill("SIGKILL"), 15_000);
      await keel.proc.exited;
      clearTimeout(timer);
    }),
  );
}

/**
 * Every version's artifact is there with its sha256, every alias points at a
 * version, and no run is left running.
 */
export async function expectConsistentRegistry(databaseUrl: string): Promise<void> {
  const sql = new SQL(databaseUrl, { max: 1 });
  try {
    const versions = await sql<{ sha256: string; size_bytes: number; bytes: Uint8Array | null }[]>`
      SELECT v.sha256, v.size_bytes, a.bytes FROM model_versions v
      LEFT JOIN artifacts a ON a.sha256 = v.sha256`;
    expect(versions.length).toBeGreaterThanOrEqual(1);
    for (const version of versions) {
      expect(version.bytes).not.toBeNull();
      const digest = new Bun.CryptoHasher("sha256").update(version.bytes!).digest("hex");
      expect(digest).toBe(version.sha256);
      expect(version.bytes!.byteLength).toBe(version.size_bytes);
    }
    const dangling = await sql`
      SELECT a.alias FROM aliases a LEFT JOIN model_versions v
        ON v.model_name = a.model_name AND v.version = a.version WHERE v.version IS NULL`;
    expect(dangling).toHaveLength(0);
    const runningRuns = await sql`SELECT id FROM runs WHERE status = 'running'`;
    expect(runningRuns).toHaveLength(0);
  } finally {
    await sql.close();
  }
}
