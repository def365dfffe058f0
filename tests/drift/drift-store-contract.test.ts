// The drift store contract, on SQLite and on PostgreSQL alike: one live window
// that every replica writes into, pruned by age and size; labels joined to
// predictions; reference profiles and the active one; reports.

import { describe, expect, test } from "bun:test";
import type { LiveRow } from "../../src/drift/drift-store.ts";
import { eachBackend } from "../helpers/store-backends.ts";

const row = (i: number, at: number, version = 1): LiveRow => ({
  predictionId: `p${i}`,
  modelName: "m",
  version,
  at,
  inputs: { x: i, c: i % 2 ? "a" : "b" },
  prediction: i % 2 ? "yes" : "no",
});

eachBackend((backend) => {
  describe("drift store", () => {
    test("live rows survive reopening the database, oldest first", async () => {
      const opened = await backend.openStores();
      await opened.stores.drift.appendLiveRows([row(1, 1000), row(2, 2000), row(3, 3000)]);
      const reopened = (await opened.reopen()).drift;
      const rows = await reopened.liveRows("m", { sinceAt: 0, limit: 10 });
      expect(rows.map((r) => r.predictionId)).toEqual(["p1", "p2", "p3"]);
      expect(rows[0]).toEqual({ ...row(1, 1000), probabilities: null, label: null, shadow: null });
      expect(await reopened.countLiveRows("m", 2000)).toBe(2);
    });

    test("every replica writes into one window; a prediction id already there is kept as it was", async () => {
      const opened = await backend.openStores();
      const other = (await opened.reopen()).drift;
      await Promise.all([
        opened.stores.drift.appendLiveRows([row(1, 100), row(3, 300)]),
        other.appendLiveRows([row(2, 200), row(4, 400)]),
      ]);
      await other.appendLiveRows([{ ...row(1, 100), prediction: "changed" }]);
      const rows = await opened.stores.drift.liveRows("m", { sinceAt: 0, limit: 10 });
      expect(rows.map((r) => r.predictionId).toSorted()).toEqual(["p1", "p2", "p3", "p4"]);
      expect((await opened.stores.drift.findLiveRow("p1"))?.prediction).toBe("yes");
    });

    test("liveRows returns the newest rows when limited, since a time", async () => {
      const { drift } = (await backend.openStores()).stores;
      await drift.appendLiveRows(Array.from({ length: 10 }, (_, i) => row(i, i * 100)));
      const rows = await drift.liveRows("m", { sinceAt: 300, limit: 3 });
      expect(rows.map((r) => r.predictionId)).toEqual(["p7", "p8", "p9"]);
    });

    test("pruning slides the window by age and by row count", async () => {
      const { drift } = (await backend.openStores()).stores;
      await drift.appendLiveRows(Array.from({ length: 10 }, (_, i) => row(i, i * 100)));
      expect(await drift.pruneLiveRows("m", { maxRows: 100, minAt: 300 })).toBe(3);
      expect(await drift.pruneLiveRows("m", { maxRows: 4, minAt: 0 })).toBe(3);
      const left = (await drift.liveRows("m", { sinceAt: 0, limit: 100 })).map(
        (r) => r.predictionId,
      );
      expect(left).toEqual(["p6", "p7", "p8", "p9"]);
    });

    test("a label joins a captured prediction; an unknown id joins nothing", async () => {
      const { drift } = (await backend.openStores()).stores;
      await drift.appendLiveRows([row(1, 1), row(2, 2, 2)]);
      expect((await drift.setLabel("p1", "no", 5))?.label).toBe("no");
      expect(await drift.setLabel("missing", "no", 5)).toBeUndefined();
      expect(await drift.labelledRows("m")).toEqual([
        { version: 1, prediction: "yes", label: "no", shadow: null },
      ]);
      expect((await drift.findLiveRow("p2"))?.version).toBe(2);
    });

    test("probabilities and the shadow's answers are kept with their row, whenever the shadow's arrive", async () => {
      const { drift } = (await backend.openStores()).stores;
      const shadow = { version: 3, prediction: "no", probabilities: [0.7, 0.3] };
      await drift.appendLiveRows([
        { ...row(1, 1), probabilities: [0.25, 0.75], shadow },
        { ...row(2, 2), probabilities: [0.9, 0.1] },
      ]);
      // The shadow scored p2 after it was written; "gone" left the window meanwhile.
      await drift.setShadowScores([
        { predictionId: "p2", score: { version: 3, prediction: "yes", probabilities: [0.4, 0.6] } },
        { predictionId: "gone", score: { version: 3, prediction: "yes" } },
      ]);
      const [first, second] = await drift.liveRows("m", { sinceAt: 0, limit: 10 });
      expect(first).toMatchObject({ probabilities: [0.25, 0.75], shadow });
      expect(second!.shadow).toEqual({ version: 3, prediction: "yes", probabilities: [0.4, 0.6] });
      await drift.setLabel("p2", "no", 5);
      expect(await drift.labelledRows("m")).toEqual([
        {
          version: 1,
          prediction: "no",
          label: "no",
          shadow: { version: 3, prediction: "yes", probabilities: [0.4, 0.6] },
        },
      ]);
      expect(await drift.findLiveRow("gone")).toBeUndefined();
    });

    test("numbers, nested values and unusual text survive the window", async () => {
      const { drift } = (await backend.openStores()).stores;
      const inputs = {
        n: 1e-300,
        big: 12345678901234,
        text: "é ✓ 😀 a\u0000b",
        nested: [1, { k: null }],
      };
      await drift.appendLiveRows([{ ...row(1, 1), inputs, prediction: 2.5 }]);
      const [stored] = await drift.liveRows("m", { sinceAt: 0, limit: 1 });
      // PostgreSQL's jsonb cannot hold U+0000: it is stored as U+FFFD there.
      const nul = backend.name === "postgres" ? "\ufffd" : "\u0000";
      expect(stored!.inputs).toEqual({ ...inputs, text: `é ✓ 😀 a${nul}b` });
      expect(stored!.prediction).toBe(2.5);
    });

    test("references: one per trained version, and the active one with its activation time", async () => {
      const { drift } = (await backend.openStores()).stores;
      const profile = new Uint8Array([1, 2, 3, 0, 255]);
      const v1 = await drift.saveReference({
        modelName: "m",
        version: 1,
        source: "training",
        rows: 10,
        profile,
      });
      const upload = await drift.saveReference({
        modelName: "m",
        version: 1,
        source: "upload",
        rows: 5,
        profile,
      });
      expect((await drift.referenceForVersion("m", 1))?.id).toBe(v1.id);
      expect(await drift.referenceForVersion("m", 2)).toBeUndefined();
      expect(await drift.activeReference("m")).toBeUndefined();
      await drift.activateReference("m", v1.id, 100);
      await drift.activateReference("m", upload.id, 1_764_000_000_000);
      const active = (await drift.activeReference("m"))!;
      expect(active.id).toBe(upload.id);
      expect(active.activatedAt).toBe(1_764_000_000_000);
      expect([...active.profile]).toEqual([1, 2, 3, 0, 255]);
    });

    test("reports are kept newest first", async () => {
      const { drift } = (await backend.openStores()).stores;
      for (const drifted of [false, true]) {
        await drift.saveReport({
          modelName: "m",
          version: 1,
          referenceId: 1,
          trigger: "api",
          report: { dataset_drift: drifted, drift_share: drifted ? 0.5 : 0 },
        });
      }
      expect((await drift.latestReport("m"))!.report.dataset_drift).toBe(true);
      expect((await drift.reports("m", 10)).map((r) => r.report.drift_share)).toEqual([0.5, 0]);
      expect(await drift.reports("other", 10)).toEqual([]);
    });
  });
});
