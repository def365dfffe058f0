import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "../../src/store/sqlite.ts";
import { SAMPLE_ROW, tempHome, waitFor, writeLargeWeatherCsv } from "../http/harness.ts";
import { type KeelProcess, spawnKeel } from "./process.ts";

const homes: string[] = [];
const newHome = () => {
  const home = tempHome();
  homes.push(home);
  return home;
};
afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

const ready = (keel: KeelProcess) =>
  waitFor(async () => {
    const res = await keel.request("GET", "/ready");
    return res.status === 200 ? res.json() : undefined;
  }, "/ready");

describe("keel serve as a process", () => {
  test("a second start reuses the registry and serves prod without training", async () => {
    const home = newHome();
    const first = await spawnKeel(home);
    expect((await ready(first)).model).toEqual({ name: "weather", version: 1 });
    first.proc.kill("SIGTERM");
    expect(await first.proc.exited).toBe(0);
    expect(first.logs.some((line) => line.includes('"keel.stopped"'))).toBe(true);

    const second = await spawnKeel(home);
    try {
      expect((await ready(second)).model).toEqual({ name: "weather", version: 1 });
      const { runs } = await (await second.request("GET", "/runs")).json();
      expect(runs).toHaveLength(1);
      expect(second.logs.some((line) => line.includes('"run.started"'))).toBe(false);
    } finally {
      second.proc.kill("SIGTERM");
      await second.proc.exited;
    }
  }, 60_000);

  test("a second keel on a port already in use exits with an error instead of sharing it", async () => {
    const first = await spawnKeel(newHome());
    try {
      const port = new URL(first.url).port;
      const second = Bun.spawn([process.execPath, "src/cli.ts", "serve"], {
        env: { ...process.env, KEEL_HOME: newHome(), PORT: port, KEEL_HOST: "127.0.0.1" },
        stdout: "ignore",
        stderr: "pipe",
      });
      expect(await second.exited).toBe(1);
      expect(await new Response(second.stderr).text()).toContain(`port ${port} in use`);
    } finally {
      first.proc.kill("SIGTERM");
      await first.proc.exited;
    }
  }, 30_000);

  test("SIGTERM during a training run stops within the timeout and marks the run failed", async () => {
    const home = newHome();
    const big = writeLargeWeatherCsv(home, 300_000);
    const keel = await spawnKeel(home, { KEEL_SHUTDOWN_TIMEOUT_S: "5" });
    await ready(keel);
    const { run_id } = await (await keel.request("POST", "/trigger", { data_url: big })).json();
    await waitFor(async () => {
      const run = await (await keel.request("GET", `/runs/${run_id}`)).json();
      return run.progress?.stage ? true : undefined;
    }, "the run to be training");
    const started = Date.now();
    keel.proc.kill("SIGTERM");
    expect(await keel.proc.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);

    const db = openStore(join(home, "keel.db"));
    const run = db
      .query<{ status: string; reason: string }, [string]>(
        "SELECT status, reason FROM runs WHERE id = ?",
      )
      .get(run_id);
    db.close();
    expect(run).toEqual({
      status: "failed",
      reason: "interrupted: keel was shut down during the run",
    });
  }, 60_000);

  test("SIGKILL in the middle of a training run leaves a consistent registry; the run is marked failed", async () => {
    const home = newHome();
    const big = writeLargeWeatherCsv(home, 300_000);
    const first = await spawnKeel(home);
    await ready(first);
    const { run_id } = await (await first.request("POST", "/trigger", { data_url: big })).json();
    await waitFor(async () => {
      const run = await (await first.request("GET", `/runs/${run_id}`)).json();
      return run.progress?.stage === "fit" ? true : undefined;
    }, "the run to be fitting");
    first.proc.kill("SIGKILL");
    await first.proc.exited;

    const second = await spawnKeel(home);
    try {
      expect((await ready(second)).model).toEqual({ name: "weather", version: 1 });
      const run = await (await second.request("GET", `/runs/${run_id}`)).json();
      expect(run.status).toBe("failed");
      expect(run.reason).toContain("interrupted");
      expect((await second.request("POST", "/predict", SAMPLE_ROW)).status).toBe(200);
    } finally {
      second.proc.kill("SIGTERM");
      await second.proc.exited;
    }

    const db = openStore(join(home, "keel.db"));
    const versions = db
      .query<{ artifact_path: string; sha256: string }, []>(
        "SELECT artifact_path, sha256 FROM model_versions",
      )
      .all();
    db.close();
    expect(versions.length).toBeGreaterThanOrEqual(1);
    for (const version of versions) {
      const path = join(home, "artifacts", version.artifact_path);
      expect(existsSync(path)).toBe(true);
      const bytes = new Uint8Array(await Bun.file(path).arrayBuffer());
      expect(new Bun.CryptoHasher("sha256").update(bytes).digest("hex")).toBe(version.sha256);
    }
  }, 90_000);
});
