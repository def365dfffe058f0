import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createLiveWindow } from "../../src/drift/live-window.ts";
import { createSqliteDriftStore } from "../../src/drift/sqlite-drift-store.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import { openStore } from "../../src/store/sqlite.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";

const tempDir = useTempDirs();

function setup(
  settings: { maxRows?: number; maxAgeMs?: number; maxRowsPerSecond?: number },
  clock = { t: 1_000_000 },
) {
  const store = createSqliteDriftStore(openStore(join(tempDir(), "keel.db")));
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
    now: () => clock.t,
  });
  return { store, window, clock };
}

const send = (window: ReturnType<typeof setup>["window"], from: number, count: number) => {
  const rows = Array.from({ length: count }, (_, i) => ({ x: from + i }));
  const predictions = rows.map(() => ({ prediction: 1 }));
  const ids = rows.map((_, i) => `id-${from + i}`);
  window.capture(1, rows, predictions, ids);
};

describe("live window", () => {
  test("capture only buffers; flush writes the rows to SQLite", () => {
    const { store, window } = setup({});
    send(window, 0, 5);
    expect(store.countLiveRows("m")).toBe(0);
    window.flush();
    expect(store.countLiveRows("m")).toBe(5);
    expect(window.size()).toBe(5);
    window.stop();
  });

  test("the window slides: it keeps the newest rows up to its size", () => {
    const { store, window } = setup({ maxRows: 10 });
    for (let batch = 0; batch < 5; batch++) {
      send(window, batch * 4, 4);
      window.settle();
    }
    const kept = store.liveRows("m", { sinceAt: 0, limit: 100 }).map((r) => r.inputs.x);
    expect(kept).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    window.stop();
  });

  test("rows older than the window's age are pruned", () => {
    const clock = { t: 1_000_000 };
    const { store, window } = setup({ maxAgeMs: 60_000 }, clock);
    send(window, 0, 3);
    window.flush();
    clock.t += 61_000;
    send(window, 3, 2);
    window.settle();
    expect(store.liveRows("m", { sinceAt: 0, limit: 100 }).map((r) => r.inputs.x)).toEqual([3, 4]);
    window.stop();
  });

  test("under heavy traffic rows are sampled down to the per-second budget", () => {
    const clock = { t: 5_000_000 };
    const { store, window } = setup({ maxRows: 100_000, maxRowsPerSecond: 100 }, clock);
    for (let second = 0; second < 5; second++) {
      for (let i = 0; i < 1000; i++) send(window, second * 1000 + i, 1);
      clock.t += 1000;
    }
    window.flush();
    // The first second is kept whole (no rate known yet); later ones near the budget.
    const kept = store.countLiveRows("m");
    expect(kept).toBeGreaterThan(1000 + 4 * 50);
    expect(kept).toBeLessThan(1000 + 4 * 200);
    window.stop();
  });

  test("stop writes out what is still buffered", () => {
    const { store, window } = setup({});
    send(window, 0, 3);
    window.stop();
    expect(store.countLiveRows("m")).toBe(3);
  });
});
