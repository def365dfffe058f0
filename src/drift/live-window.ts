// Captures every answered prediction into the live window without touching the
// request path: `capture` only appends to an in-memory buffer; a timer writes
// the buffer to the store in one transaction (every replica writes into the
// same window) and the leader prunes the window by rows and age, so it really
// slides. Under heavy traffic rows are sampled to a budget per second, so
// capture cost stays flat however hard /predict is hit. A write that fails
// (the database is away) keeps its rows buffered for the next one.

import { failureFields } from "../errors.ts";
import type { Logger } from "../observability/log.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { PredictionColumns } from "../serving/tensors.ts";
import type { DriftStore, LiveRow, ShadowScore } from "./drift-store.ts";

export interface LiveWindowSettings {
  modelName: string;
  /** Most rows the window keeps (KEEL_WINDOW_ROWS). */
  maxRows: number;
  /** Oldest row the window keeps, in ms (KEEL_WINDOW_HOURS). */
  maxAgeMs: number;
  /** Rows captured per second before sampling starts (KEEL_CAPTURE_ROWS_PER_S). */
  maxRowsPerSecond: number;
  /** How often the buffer is written out (small batches keep each write's pause short). */
  flushEveryMs?: number;
  /** How often the window is pruned and recounted (each prune scans the window). */
  pruneEveryMs?: number;
}

/** Written out every this often: small batches keep each write short, and feedback finds its row soon. */
export const FLUSH_EVERY_MS = 250;

export interface LiveWindow {
  /**
   * Hot path: remembers one answered request's rows, with their predictions
   * (and a classifier's probabilities); never blocks, never throws. Returns
   * the indices of the rows it kept (all of them, unless capture samples).
   */
  capture(
    version: number,
    rows: readonly unknown[],
    predictions: PredictionColumns,
    ids: readonly string[],
  ): number[];
  /** Adds the shadow version's answers to rows captured before (written with them, or after). */
  attachShadow(scores: { predictionId: string; score: ShadowScore }[]): void;
  /** Resolves once every row captured before the call is written (before a feedback join). */
  flush(): Promise<void>;
  /** Writes buffered rows out and prunes the window to its limits (before a check). */
  settle(): Promise<void>;
  /** Rows in the window (as of the last write or recount). */
  size(): number;
  stop(): Promise<void>;
}

export function createLiveWindow(deps: {
  store: DriftStore;
  settings: LiveWindowSettings;
  metrics: Metrics;
  logger: Logger;
  /** Whether this replica prunes the shared window (the leader does; the others only recount). */
  prunes?: () => boolean;
  now?: () => number;
  random?: () => number;
}): LiveWindow {
  const { store, settings, metrics, logger } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const prunes = deps.prunes ?? (() => true);
  let buffer: LiveRow[] = [];
  // Rows not yet written, by prediction id, so the shadow's answers can ride along with them;
  // answers for rows already written are written after them as updates.
  const buffered = new Map<string, LiveRow>();
  let shadowUpdates: { predictionId: string; score: ShadowScore }[] = [];
  let size = 0;
  let writing: Promise<void> = Promise.resolve();
  let writeFailing = false;

  // Sampling: the share of rows kept this second follows last second's arrival rate.
  let second = 0;
  let arrivals = 0;
  let keepShare = 1;
  const admit = (t: number, count: number): boolean => {
    const s = Math.floor(t / 1000);
    if (s !== second) {
      keepShare =
        s === second + 1 ? Math.min(1, settings.maxRowsPerSecond / Math.max(arrivals, 1)) : 1;
      second = s;
      arrivals = 0;
    }
    arrivals += count;
    return keepShare >= 1 || random() < keepShare;
  };

  const trimToWindow = () => {
    // A burst larger than the window itself is trimmed here rather than written and pruned.
    if (buffer.length <= settings.maxRows) return;
    for (const row of buffer.slice(0, buffer.length - settings.maxRows))
      buffered.delete(row.predictionId);
    buffer = buffer.slice(buffer.length - settings.maxRows);
  };

  const prune = async () => {
    try {
      if (prunes()) {
        await store.pruneLiveRows(settings.modelName, {
          maxRows: settings.maxRows,
          minAt: now() - settings.maxAgeMs,
        });
      }
      size = await store.countLiveRows(settings.modelName);
      metrics.driftWindowRows.set(size);
    } catch (error) {
      logger.error("drift.window_prune_failed", { ...failureFields(error) });
    }
  };

  const writeShadowUpdates = async () => {
    if (shadowUpdates.length === 0) return;
    const updates = shadowUpdates;
    shadowUpdates = [];
    try {
      await store.setShadowScores(updates);
    } catch (error) {
      // Shadow answers are a comparison, not a record: one lost batch only thins it.
      logger.warn("drift.shadow_write_failed", { rows: updates.length, ...failureFields(error) });
    }
  };

  const write = async () => {
    if (buffer.length === 0) return writeShadowUpdates();
    const rows = buffer;
    buffer = [];
    try {
      await store.appendLiveRows(rows);
      for (const row of rows) buffered.delete(row.predictionId);
      await writeShadowUpdates();
      size += rows.length;
      if (writeFailing) logger.info("drift.window_write_recovered", { rows: rows.length });
      writeFailing = false;
    } catch (error) {
      buffer = rows.concat(buffer);
      trimToWindow();
      if (!writeFailing) {
        logger.error("drift.window_write_failed", {
          rows: rows.length,
          ...failureFields(error),
          hint: "rows stay buffered (up to KEEL_WINDOW_ROWS) and are written when the store answers",
        });
      }
      writeFailing = true;
      return;
    }
    // Between prunes the window may run over its size by what arrives meanwhile.
    if (size > settings.maxRows * 1.1) await prune();
    else metrics.driftWindowRows.set(size);
  };

  // Writes queue behind each other, so a flush waits for one already under way.
  const flush = () => {
    writing = writing.then(write);
    return writing;
  };
  void prune();
  const flushTimer = setInterval(flush, settings.flushEveryMs ?? FLUSH_EVERY_MS);
  const pruneTimer = setInterval(prune, settings.pruneEveryMs ?? 5000);
  flushTimer.unref();
  pruneTimer.unref();

  return {
    capture(version, rows, predictions, ids) {
      const at = now();
      const kept: number[] = [];
      const probabilities = predictions.probabilities;
      const k = probabilities?.classes.length ?? 0;
      for (let i = 0; i < rows.length; i++) {
        if (!admit(at, 1)) continue;
        kept.push(i);
        const row: LiveRow = {
          predictionId: ids[i]!,
          modelName: settings.modelName,
          version,
          at,
          inputs: rows[i] as Record<string, unknown>,
          prediction: predictions.values[i]!,
        };
        if (probabilities)
          row.probabilities = Array.from(probabilities.data.subarray(i * k, i * k + k));
        buffer.push(row);
        buffered.set(row.predictionId, row);
      }
      trimToWindow();
      return kept;
    },
    attachShadow(scores) {
      for (const entry of scores) {
        const row = buffered.get(entry.predictionId);
        if (row) row.shadow = entry.score;
        else shadowUpdates.push(entry);
      }
    },
    flush,
    async settle() {
      await flush();
      await prune();
    },
    size: () => size,
    async stop() {
      clearInterval(flushTimer);
      clearInterval(pruneTimer);
      await flush();
      await prune();
    },
  };
}
