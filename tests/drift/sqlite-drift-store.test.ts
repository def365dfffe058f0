import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { LiveRow } from "../../src/drift/drift-store.ts";
import { createSqliteDriftStore } from "../../src/drift/sqlite-drift-store.ts";
import { openStore } from "../../src/store/sqlite.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";

const tempDir = useTempDirs();

function openDriftStore(path = join(tempDir(), "keel.db")) {
  const db = openStore(path);
  return { db, store: createSqliteDriftStore(db), path };
}

const row = (i: number, at: number, version = 1): LiveRow => ({
  predictionId: `p${i}`,
  modelName: "m",
  version,
  at,
  inputs: { x: i, c: i % 2 ? "a" : "b" },
  prediction: i % 2 ? "yes" : "no",
});

describe("SQLite drift store", () => {
  test("live rows survive reopening the database, oldest first", () => {
    const { db, store, path } = openDriftStore();
    store.appendLiveRows([row(1, 1000), row(2, 2000), row(3, 3000)]);
    db.close();
    const reopened = openDriftStore(path);
    const rows = reopened.store.liveRows("m", { sinceAt: 0, limit: 10 });
    expect(rows.map((r) => r.predictionId)).toEqual(["p1", "p2", "p3"]);
    expect(rows[0]!.inputs).toEqual({ x: 1, c: "a" });
    expect(reopened.store.countLiveRows("m", 2000)).toBe(2);
    reopened.db.close();
  });

  test("liveRows returns the newest rows when limited, since a time", () => {
    const { store } = openDriftStore();
    store.appendLiveRows(Array.from({ length: 10 }, (_, i) => row(i, i * 100)));
    const rows = store.liveRows("m", { sinceAt: 300, limit: 3 });
    expect(rows.map((r) => r.predictionId)).toEqual(["p7", "p8", "p9"]);
  });

  test("pruning slides the window by age and by row count", () => {
    const { store } = openDriftStore();
    store.appendLiveRows(Array.from({ length: 10 }, (_, i) => row(i, i * 100)));
    expect(store.pruneLiveRows("m", { maxRows: 100, minAt: 300 })).toBe(3);
    expect(store.pruneLiveRows("m", { maxRows: 4, minAt: 0 })).toBe(3);
    const left = store.liveRows("m", { sinceAt: 0, limit: 100 }).map((r) => r.predictionId);
    expect(left).toEqual(["p6", "p7", "p8", "p9"]);
  });

  test("a label joins a captured prediction; an unknown id joins nothing", () => {
    const { store } = openDriftStore();
    store.appendLiveRows([row(1, 1), row(2, 2, 2)]);
    expect(store.setLabel("p1", "no", 5)?.label).toBe("no");
    expect(store.setLabel("missing", "no", 5)).toBeUndefined();
    expect(store.labelledRows("m")).toEqual([{ version: 1, prediction: "yes", label: "no" }]);
    expect(store.findLiveRow("p2")?.version).toBe(2);
  });

  test("references: one per trained version, and the active one with its activation time", () => {
    const { store } = openDriftStore();
    const profile = new Uint8Array([1, 2, 3]);
    const v1 = store.saveReference({
      modelName: "m",
      version: 1,
      source: "training",
      rows: 10,
      profile,
    });
    const upload = store.saveReference({
      modelName: "m",
      version: 1,
      source: "upload",
      rows: 5,
      profile,
    });
    expect(store.referenceForVersion("m", 1)?.id).toBe(v1.id);
    expect(store.referenceForVersion("m", 2)).toBeUndefined();
    expect(store.activeReference("m")).toBeUndefined();
    store.activateReference("m", v1.id, 100);
    store.activateReference("m", upload.id, 200);
    const active = store.activeReference("m")!;
    expect(active.id).toBe(upload.id);
    expect(active.activatedAt).toBe(200);
    expect([...active.profile]).toEqual([1, 2, 3]);
  });

  test("reports are kept newest first", () => {
    const { store } = openDriftStore();
    for (const drift of [false, true]) {
      store.saveReport({
        modelName: "m",
        version: 1,
        referenceId: 1,
        trigger: "api",
        report: { dataset_drift: drift, drift_share: drift ? 0.5 : 0 },
      });
    }
    expect(store.latestReport("m")!.report.dataset_drift).toBe(true);
    expect(store.reports("m", 10).map((r) => r.report.drift_share)).toEqual([0.5, 0]);
    expect(store.reports("other", 10)).toEqual([]);
  });
});
