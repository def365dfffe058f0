// Several real keel processes on one real PostgreSQL, each with its own empty
// KEEL_HOME: the first model is trained once, alias moves reach every
// replica within 2 s, triggers on two replicas give one run, and when the
// leader is killed mid-retrain another takes over the schedule, fails the
// run with a reason and leaves a consistent registry.

import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { SQL } from "bun";
import { freshDatabase, hasPostgres } from "../helpers/postgres.ts";
import { tempHome, waitFor, writeLargeWeatherCsv } from "../http/harness.ts";
import { type KeelProcess, spawnKeel } from "../main/process.ts";
import { expectConsistentRegistry, ready, servedVersion, stopAll } from "./replica-helpers.ts";

const homes: string[] = [];
const running: KeelProcess[] = [];
const home = () => {
  const dir = tempHome();
  homes.push(dir);
  return dir;
};
afterEach(() => stopAll(running.splice(0)));
afterAll(() => {
  for (const dir of homes) rmSync(dir, { recursive: true, force: true });
});

async function replica(databaseUrl: string, env: Record<string, string> = {}) {
  const keel = await spawnKeel(home(), {
    DATABASE_URL: databaseUrl,
    KEEL_ALGORITHM: "linear",
    KEEL_LOG_REQUESTS: "0",
    ...env,
  });
  running.push(keel);
  return keel;
}

describe.skipIf(!hasPostgres)("replicas on one PostgreSQL", () => {
  test("three replicas starting together on an empty database train the first model once and all serve it", async () => {
    const databaseUrl = await freshDatabase();
    const replicas = await Promise.all([1, 2, 3].map(() => replica(databaseUrl)));
    for (const keel of replicas)
      expect((await ready(keel)).model).toEqual({ name: "weather", version: 1 });
    const { runs } = await (await replicas[0]!.request("GET", "/runs")).json();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: "bootstrap", status: "succeeded", version: 1 });
    const leaders = replicas.filter((k) => k.logs.some((l) => l.includes('"cluster.leading"')));
    expect(leaders).toHaveLength(1);
    expect(leaders[0]!.logs.some((l) => l.includes('"model.bootstrap"'))).toBe(true);
  }, 60_000);

  test("an alias moved on one replica is served by the others within 2 s, without a reload", async () => {
    const databaseUrl = await freshDatabase();
    const a = await replica(databaseUrl);
    await ready(a);
    const b = await replica(databaseUrl);
    await ready(b);
    const { run_id } = await (await a.request("POST", "/trigger", {})).json();
    await waitFor(
      async () => (await servedVersion(a)) === 2 || undefined,
      `run ${run_id} promoted`,
    );
    for (const version of [1, 2, 1]) {
      const moved = await a.request("PUT", "/models/weather/aliases/prod", { version });
      expect(moved.status).toBe(200);
      const started = Date.now();
      await waitFor(
        async () => (await servedVersion(b)) === version || undefined,
        `b serving ${version}`,
        2000,
      );
      expect(Date.now() - started).toBeLessThan(2000);
    }
  }, 60_000);

  test("triggers on two replicas at once start one run, and both answer its id", async () => {
    const databaseUrl = await freshDatabase();
    const a = await replica(databaseUrl);
    await ready(a);
    const b = await replica(databaseUrl);
    await ready(b);
    const answers = await Promise.all(
      [a, b, a, b].map(async (keel) => (await keel.request("POST", "/trigger", {})).json()),
    );
    expect(new Set(answers.map((x) => x.run_id)).size).toBe(1);
    expect(answers.filter((x) => x.started)).toHaveLength(1);
  }, 60_000);

  test("the leader killed mid-retrain: another takes over the schedule, fails the run with a reason, the registry stays consistent", async () => {
    const databaseUrl = await freshDatabase();
    const env = { KEEL_DRIFT_CRON: "* * * * * *", KEEL_ALGORITHM: "auto" };
    const leader = await replica(databaseUrl, env);
    await ready(leader);
    const follower = await replica(databaseUrl, env);
    await ready(follower);
    expect((await (await follower.request("GET", "/schedule")).json()).runs_here).toBe(false);

    const big = writeLargeWeatherCsv(home(), 300_000);
    const { run_id } = await (await leader.request("POST", "/trigger", { data_url: big })).json();
    await waitFor(async () => {
      const run = await (await leader.request("GET", `/runs/${run_id}`)).json();
      return run.progress?.stage ? true : undefined;
    }, "the run to be training");
    leader.proc.kill("SIGKILL");
    await leader.proc.exited;
    const killedAt = Date.now();

    await waitFor(
      async () =>
        (await (await follower.request("GET", "/schedule")).json()).runs_here || undefined,
      "the follower to take the lead",
      10_000,
    );
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    const run = await waitFor(
      async () => {
        const r = await (await follower.request("GET", `/runs/${run_id}`)).json();
        return r.status === "running" ? undefined : r;
      },
      "the orphaned run to be failed",
      15_000,
    );
    expect(run.status).toBe("failed");
    expect(run.reason).toContain("interrupted");
    // The drift-check job now ticks on the new leader (every second; it skips: too few rows).
    await waitFor(
      () => follower.logs.some((l) => l.includes('"drift.check_skipped"')) || undefined,
      "a scheduled drift check on the new leader",
      5000,
    );
    expect(
      (
        await follower.request("POST", "/predict", {
          precipitation: 1,
          temp_max: 10,
          temp_min: 3,
          wind: 2,
        })
      ).status,
    ).toBe(200);
    await expectConsistentRegistry(databaseUrl);
  }, 90_000);

  test("predictions on every replica feed one drift check, and a label may reach either replica", async () => {
    const databaseUrl = await freshDatabase();
    const env = { KEEL_DRIFT_MIN_ROWS: "50" };
    const a = await replica(databaseUrl, env);
    await ready(a);
    const b = await replica(databaseUrl, env);
    await ready(b);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const keel = i % 2 ? b : a;
      const row = {
        precipitation: i % 5,
        temp_max: 10 + (i % 7),
        temp_min: 3 + (i % 4),
        wind: 2 + (i % 3),
      };
      ids.push((await (await keel.request("POST", "/predict", row)).json()).prediction_id);
    }
    // Straight away, to the replica that did not answer it: it waits for the other's buffer.
    const label = await a.request("POST", "/feedback", { prediction_id: ids[1], label: "rain" });
    expect(label.status).toBe(200);
    const report = await (await a.request("POST", "/drift/check")).json();
    expect(report.current_rows).toBe(60);
  }, 60_000);

  test("the CLI moves an alias in the database; the running replicas swap to it", async () => {
    const databaseUrl = await freshDatabase();
    const a = await replica(databaseUrl);
    await ready(a);
    const { run_id } = await (await a.request("POST", "/trigger", {})).json();
    const run = await waitFor(async () => {
      const body = await (await a.request("GET", `/runs/${run_id}`)).json();
      return body.status === "running" ? undefined : body;
    }, "the retrain to end");
    expect({ status: run.status, reason: run.reason, error: run.error }).toMatchObject({
      status: "succeeded",
    });
    await waitFor(async () => (await servedVersion(a)) === 2 || undefined, "version 2 in service");
    const cli = Bun.spawn(
      [process.execPath, "src/cli.ts", "promote", "weather", "1", "--reason", "cli test"],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl, KEEL_HOME: home() },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    expect(await cli.exited).toBe(0);
    expect(await new Response(cli.stdout).text()).toContain("prod 2 → 1");
    await waitFor(async () => (await servedVersion(a)) === 1 || undefined, "a serving 1", 2000);
    const sql = new SQL(databaseUrl);
    const [event] = await sql`SELECT actor, reason FROM alias_events ORDER BY id DESC LIMIT 1`;
    await sql.close();
    expect(event).toEqual({ actor: "cli", reason: "cli test" });
  }, 60_000);
});
