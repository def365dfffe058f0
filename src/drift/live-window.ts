// Captures every answered prediction into the live window without touching the
// request path: `capture` only appends to an in-memory buffer; a timer writes
// the buffer to SQLite in one transaction and prunes the window by rows and
// age, so the window really slides. Under heavy traffic rows are sampled to a
// budget per second, so capture cost stays flat however hard /predict is hit.

import { errorMessage } from "../errors.ts";
import type { Logger } from "../observability/log.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Prediction } from "../serving/tensors.ts";
import type { DriftStore, LiveRow } from "./drift-store.ts";

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

export interface LiveWindow {
  /** Hot path: remembers one answered request's rows; never blocks, never throws. */
  capture(
    version: number,
    rows: readonly unknown[],
    predictions: readonly Prediction[],
    ids: readonly string[],
  ): void;
  /** Writes buffered rows out now (before a feedback join). */
  flush(): void;
  /** Writes buffered rows out and prunes the window to its limits (before a check). */
  settle(): void;
  /** Rows in the window (as of the last flush). */
  size(): number;
  stop(): void;
}

export function createLiveWindow(deps: {
  store: DriftStore;
  settings: LiveWindowSettings;
  metrics: Metrics;
  logger: Logger;
  now?: () => number;
  random?: () => number;
}): LiveWindow {
  const { store, settings, metrics, logger } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  let buffer: LiveRow[] = [];
  let size = store.countLiveRows(settings.modelName);
  metrics.driftWindowRows.set(size);

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

  const prune = () => {
    try {
      store.pruneLiveRows(settings.modelName, {
        maxRows: settings.maxRows,
        minAt: now() - settings.maxAgeMs,
      });
      size = store.countLiveRows(settings.modelName);
      metrics.driftWindowRows.set(size);
    } catch (error) {
      logger.error("drift.window_prune_failed", { error: errorMessage(error) });
    }
  };
  const flush = () => {
    if (buffer.length === 0) return;
    const rows = buffer;
    buffer = [];
    try {
      store.appendLiveRows(rows);
      size += rows.length;
    } catch (error) {
      logger.error("drift.window_write_failed", { rows: rows.length, error: errorMessage(error) });
    }
    // Between prunes the window may run over its size by what arrives meanwhile.
    if (size > settings.maxRows * 1.1) prune();
    else metrics.driftWindowRows.set(size);
  };
  const flushTimer = setInterval(flush, settings.flushEveryMs ?? 250);
  const pruneTimer = setInterval(prune, settings.pruneEveryMs ?? 5000);
  flushTimer.unref();
  pruneTimer.unref();

  return {
    capture(version, rows, predictions, ids) {
      const at = now();
      for (let i = 0; i < rows.length; i++) {
        if (!admit(at, 1)) continue;
        buffer.push({
          predictionId: ids[i]!,
          modelName: settings.modelName,
          version,
          at,
          inputs: rows[i] as Record<string, unknown>,
          prediction: predictions[i]!.prediction,
        });
      }
      // A burst larger than the window itself is trimmed here rather than written and pruned.
      if (buffer.length > settings.maxRows) buffer = buffer.slice(buffer.length - settings.maxRows);
    },
    flush,
    settle() {
      flush();
      prune();
    },
    size: () => size,
    stop() {
      clearInterval(flushTimer);
      clearInterval(pruneTimer);
      flush();
      prune();
    },
  };
}
