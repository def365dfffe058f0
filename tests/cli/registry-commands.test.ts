// models / promote / rollback / runs, against the state directory and against
// a running service with --url.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  ADMIN_TOKEN,
  startTestKeel,
  type TestKeel,
  waitForRun,
  waitReady,
} from "../http/harness.ts";
import { keelCli } from "./run-cli.ts";

let keel: TestKeel;
beforeAll(async () => {
  keel = await startTestKeel({ KEEL_PROMOTE_TOLERANCE: "1" });
  await waitReady(keel);
  const { run_id } = await (await keel.admin("POST", "/trigger")).json();
  await waitForRun(keel, run_id);
});
afterAll(() => keel.stop());

describe("with --url, against the running service", () => {
  const url = () => ["--url", keel.url, "--token", ADMIN_TOKEN];

  test("models lists the model with its aliases; show lists versions", async () => {
    const list = await keelCli(["models", ...url()]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/weather\s+2\s+prod=2/);
    const show = await keelCli(["models", "show", "weather", ...url(), "--json"]);
    expect(JSON.parse(show.out).map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const one = await keelCli(["models", "show", "weather", "1", ...url()]);
    expect(JSON.parse(one.out)).toMatchObject({ name: "weather", version: 1, source: "trained" });
  });

  test("rollback moves prod back and the service swaps; promote moves it forward", async () => {
    const back = await keelCli(["rollback", ...url()]);
    expect(back.code).toBe(0);
    expect(back.out).toContain("prod 2 → 1");
    const answer = await (
      await keel.post("/predict", { precipitation: 1, temp_max: 10, temp_min: 4, wind: 3 })
    ).json();
    expect(answer.model.version).toBe(1);
    const forward = await keelCli(["promote", "weather", "2", ...url()]);
    expect(forward.out).toContain("prod 1 → 2");
    const alias = await (await keel.get("/models/weather/aliases/prod")).json();
    expect(alias.history[0]).toMatchObject({ from_version: 1, to_version: 2, actor: "admin" });
  });

  test("runs lists and shows runs", async () => {
    const runs = await keelCli(["runs", ...url(), "--json", "--trigger", "api"]);
    const [run] = JSON.parse(runs.out);
    expect(run.trigger).toBe("api");
    const show = await keelCli(["runs", "show", run.id, ...url()]);
    expect(JSON.parse(show.out).metric_history.length).toBeGreaterThan(0);
    const table = await keelCli(["runs", ...url()]);
    expect(table.out.split("\n")[0]).toMatch(/^id\s+trigger\s+status/);
  });

  test("errors: one line and a non-zero exit", async () => {
    const noToken = await keelCli(["promote", "weather", "1", "--url", keel.url]);
    expect(noToken.code).toBe(1);
    expect(noToken.err.trim().split("\n")).toHaveLength(1);
    expect(noToken.err).toContain("401");
    const unknown = await keelCli(["models", "show", "nope", ...url()]);
    expect(unknown.code).toBe(1);
    expect((await keelCli(["promote", "weather", "x", ...url()])).code).toBe(2);
    expect((await keelCli(["runs", "--status", "sleeping", ...url()])).code).toBe(2);
    expect((await keelCli(["frobnicate"])).code).toBe(2);
  });
});

describe("against the local state directory", () => {
  test("reads the same registry and moves aliases in the database", async () => {
    const home = ["--home", keel.home];
    const list = await keelCli(["models", ...home, "--json"]);
    expect(JSON.parse(list.out)[0].name).toBe("weather");
    const promoted = await keelCli(["promote", "weather", "1", "--alias", "staging", ...home]);
    expect(promoted.code).toBe(0);
    const alias = await (await keel.get("/models/weather/aliases/staging")).json();
    expect(alias.version).toBe(1);
    expect(alias.history[0].actor).toBe("cli");
  });

  test("a directory without keel state is named", async () => {
    const result = await keelCli(["models", "--home", "/nonexistent-keel-home"]);
    expect(result.code).toBe(2);
    expect(result.err).toContain("No keel state in /nonexistent-keel-home");
  });
});
