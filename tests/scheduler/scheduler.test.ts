import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { startScheduler } from "../../src/scheduler/scheduler.ts";
import { startTestKeel, waitFor, waitReady } from "../http/harness.ts";

describe("startScheduler", () => {
  test("runs a job on its cron and reports last and next run times", async () => {
    let runs = 0;
    const scheduler = startScheduler(
      [{ name: "tick", cron: "* * * * * *", run: () => runs++ }],
      silentLogger,
    );
    try {
      await waitFor(() => (runs >= 1 ? true : undefined), "the job to run", 3_000);
      const [job] = scheduler.jobs();
      expect(job!.name).toBe("tick");
      expect(job!.cron).toBe("* * * * * *");
      expect(Date.parse(job!.next_run!)).toBeGreaterThan(Date.now() - 1000);
      expect(job!.last_run).not.toBeNull();
    } finally {
      scheduler.stop();
    }
  });

  test("a tick is skipped while the previous one is still running", async () => {
    let started = 0;
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const scheduler = startScheduler(
      [
        {
          name: "slow",
          cron: "* * * * * *",
          run: async () => {
            started++;
            await blocked;
          },
        },
      ],
      silentLogger,
    );
    try {
      await Bun.sleep(2_600);
      expect(started).toBe(1);
    } finally {
      release();
      scheduler.stop();
    }
  });

  test("a job that throws is logged and the schedule goes on", async () => {
    let calls = 0;
    const scheduler = startScheduler(
      [
        {
          name: "flaky",
          cron: "* * * * * *",
          run: () => {
            calls++;
            throw new Error("boom");
          },
        },
      ],
      silentLogger,
    );
    try {
      await waitFor(() => (calls >= 2 ? true : undefined), "two ticks", 4_000);
    } finally {
      scheduler.stop();
    }
  });
});

describe("KEEL_RETRAIN_CRON", () => {
  test("an invalid expression stops start-up naming the variable", () => {
    expect(() => loadConfig({ KEEL_RETRAIN_CRON: "every tuesday" })).toThrow(/KEEL_RETRAIN_CRON/);
  });

  test("starts retrain runs with trigger schedule", async () => {
    const keel = await startTestKeel({ KEEL_RETRAIN_CRON: "*/2 * * * * *" });
    try {
      await waitReady(keel);
      const run = await waitFor(
        async () => {
          const { runs } = await (await keel.get("/runs?trigger=schedule")).json();
          return runs.find((r: { status: string }) => r.status !== "running");
        },
        "a scheduled run to finish",
        10_000,
      );
      expect(["succeeded", "rejected"]).toContain(run.status);
    } finally {
      await keel.stop();
    }
  });
});
