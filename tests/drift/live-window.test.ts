import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { DriftStore } from "../../src/drift/drift-store.ts";
import { createLiveWindow } from "../../src/drift/live-window.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import { createFileArtifactStore } from "../../src/registry/file-artifacts.ts";
import { openSqliteStores } from "../../src/state/sqlite-stores.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";

const tempDir = useTempDirs();

function setup(
  settings: { maxRows?: number; maxAgeMs?: number; maxRowsPerSecond?: number; prunes?: boolean },
  clock = { t: 1_000_000 },
  store: DriftStore = sqliteDriftStore(),
) {
  const window = createLiveWindow({
    store,
    settings: {
      modelName: "m",
      maxRows: settings.maxRows ?? 1000,
      maxAgeMs: settings.maxAgeMs ?? 3_600_000,
      maxRowsPerSecond: settings.maxRowsPerSecond ?? 1000,
      flushEveryMs: 60_000,
    },
    metrics: createMetrics(),
    logger: silentLogger,
    prunes: () => settings.prunes ?? true,
    now: () => clock.t,
  });
  return { store, window, clock };
}

/** The real store, with each write taking `delayMs` and the first `failures` writes refused. */
function slowAndFlaky(store: DriftStore, delayMs: number, failures = 0): DriftStore {
  let refused = 0;
  return {
    ...store,
    appendLiveRows: async (rows) => {
      await Bun.sleep(delayMs);
      if (refused < failures) {
        refused++;
        throw new Error("connection refused");
      }
      return store.appendLiveRows(rows);
    },
  };
}

function sqliteDriftStore(): DriftStore {
  const dir = tempDir();
  return openSqliteStores({
    path: join(dir, "keel.db"),
    artifacts: createFileArtifactStore(join(dir, "artifacts")),
  }).drift;
}

const send = (window: ReturnType<typeof setup>["window"], from: number, count: number) => {
  const rows = Array.from({ length: count }, (_, i) => ({ x: from + i }));
  const predictions = { count, values: rows.map(() => 1) };
  const ids = rows.map((_, i) => `id-${from + i}`);
  return window.capture(1, rows, predictions, ids);
};

describe("live window", () => {
  test("capture only buffers; flush writes the rows to the store", async () => {
    const { store, window } = setup({});
    send(window, 0, 5);
    expect(await store.countLiveRows("m")).toBe(0);
    await window.flush();
    expect(await store.countLiveRows("m")).toBe(5);
    expect(window.size()).toBe(5);
    await window.stop();
  });

  test("the window slides: it keeps the newest rows up to its size", async () => {
    const { store, window } = setup({ maxRows: 10 });
    for (let batch = 0; batch < 5; batch++) {
      send(window, batch * 4, 4);
      await window.settle();
    }
    const kept = (await store.liveRows("m", { sinceAt: 0, limit: 100 })).map((r) => r.inputs.x);
    expect(kept).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    await window.stop();
  });

  test("rows older than the window's age are pruned", async () => {
    const clock = { t: 1_000_000 };
    const { store, window } = setup({ maxAgeMs: 60_000 }, clock);
    send(window, 0, 3);
    await window.flush();
    clock.t += 61_000;
    send(window, 3, 2);
    await window.settle();
    const kept = (await store.liveRows("m", { sinceAt: 0, limit: 100 })).map((r) => r.inputs.x);
    expect(kept).toEqual([3, 4]);
    await window.stop();
  });

  test("under heavy traffic rows are sampled down to the per-second budget", async () => {
    const clock = { t: 5_000_000 };
    const { store, window } = setup({ maxRows: 100_000, maxRowsPerSecond: 100 }, clock);
    for (let second = 0; second < 5; second++) {
      for (let i = 0; i < 1000; i++) send(window, second * 1000 + i, 1);
      clock.t += 1000;
    }
    await window.flush();
    // The first second is kept whole (no rate known yet); later ones near the budget.
    const kept = await store.countLiveRows("m");
    expect(kept).toBeGreaterThan(1000 + 4 * 50);
    expect(kept).toBeLessThan(1000 + 4 * 200);
    await window.stop();
  });

  test("capture says which rows it kept: all of them, or the sample under heavy traffic", async () => {
    const clock = { t: 7_000_000 };
    const { store, window } = setup({ maxRowsPerSecond: 10 }, clock);
    expect(send(window, 0, 50)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    clock.t += 1000;
    const kept = send(window, 100, 500);
    await window.flush();
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(250);
    expect(await store.countLiveRows("m")).toBe(50 + kept.length);
    const stored = new Set(
      (await store.liveRows("m", { sinceAt: 0, limit: 1000 })).map((r) => r.predictionId),
    );
    for (const i of kept) expect(stored.has(`id-${100 + i}`)).toBe(true);
    await window.stop();
  });

  test("a classifier's probabilities are kept with each row, in its class order", async () => {
    const { store, window } = setup({});
    window.capture(
      1,
      [{ x: 1 }, { x: 2 }],
      {
        count: 2,
        values: ["no", "yes"],
        probabilities: { classes: ["no", "yes"], data: Float64Array.of(0.8, 0.2, 0.3, 0.7) },
      },
      ["a", "b"],
    );
    await window.flush();
    const rows = await store.liveRows("m", { sinceAt: 0, limit: 10 });
    expect(rows.map((r) => r.probabilities)).toEqual([
      [0.8, 0.2],
      [0.3, 0.7],
    ]);
    await window.stop();
  });

  test("the shadow's answers join their rows whether they come before or after the write", async () => {
    const { store, window } = setup({});
    send(window, 0, 2);
    window.attachShadow([{ predictionId: "id-0", score: { version: 2, prediction: 0 } }]);
    await window.flush();
    window.attachShadow([{ predictionId: "id-1", score: { version: 2, prediction: 5 } }]);
    await window.flush();
    const rows = await store.liveRows("m", { sinceAt: 0, limit: 10 });
    expect(rows.map((r) => r.shadow)).toEqual([
      { version: 2, prediction: 0, probabilities: null },
      { version: 2, prediction: 5, probabilities: null },
    ]);
    await window.stop();
  });

  test("stop writes out what is still buffered", async () => {
    const { store, window } = setup({});
    send(window, 0, 3);
    await window.stop();
    expect(await store.countLiveRows("m")).toBe(3);
  });

  test("a flush waits for a write already under way, so a label finds its prediction", async () => {
    const base = sqliteDriftStore();
    const { window } = setup({}, undefined, slowAndFlaky(base, 50));
    send(window, 0, 2);
    const first = window.flush();
    send(window, 2, 1);
    await window.flush();
    expect(await base.countLiveRows("m")).toBe(3);
    await first;
    await window.stop();
  });

  test("rows a failed write could not store stay buffered and go out with the next write", async () => {
    const base = sqliteDriftStore();
    const { window } = setup({}, undefined, slowAndFlaky(base, 0, 2));
    send(window, 0, 4);
    await window.flush();
    await window.flush();
    expect(await base.countLiveRows("m")).toBe(0);
    send(window, 4, 1);
    await window.flush();
    expect(await base.countLiveRows("m")).toBe(5);
    await window.stop();
  });

  test("a replica that does not lead only recounts the shared window; the leader prunes it", async () => {
    const store = sqliteDriftStore();
    const follower = setup({ maxRows: 10, prunes: false }, undefined, store);
    for (let batch = 0; batch < 3; batch++) {
      send(follower.window, batch * 10, 10);
      await follower.window.flush();
    }
    await follower.window.settle();
    expect(await store.countLiveRows("m")).toBe(30);
    expect(follower.window.size()).toBe(30);
    const leader = setup({ maxRows: 10 }, undefined, store);
    await leader.window.settle();
    expect(await store.countLiveRows("m")).toBe(10);
    await follower.window.stop();
    await leader.window.stop();
  });
});
