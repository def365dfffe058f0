// Keel's own traffic history for the dashboard: request count and latency
// quantiles per 10-second slot over the last hour, kept in memory (not
// Prometheus). Recording is a few array writes; latencies go into a fixed
// log-scale histogram per slot, so quantiles cost nothing on the request path.

const SLOT_MS = 10_000;
const SLOTS = 360; // one hour
const BINS = 48;
const MIN_SECONDS = 50e-6;
const GROWTH = 1.35; // bin i covers up to MIN_SECONDS · GROWTH^i: 50 µs … ~90 s
const LOG_GROWTH = Math.log(GROWTH);

export interface TrafficPoint {
  /** Slot start, epoch ms. */
  t: number;
  requests: number;
  /** Requests per second over the slot. */
  rps: number;
  /** Upper bin edges the quantiles fall in, in milliseconds; null without requests. */
  p50_ms: number | null;
  p99_ms: number | null;
}

export interface Traffic {
  record(seconds: number): void;
  /** The last hour, oldest first, one point per 10 s slot (empty slots included). */
  history(): TrafficPoint[];
}

export function createTraffic(now: () => number = Date.now): Traffic {
  const counts = new Uint32Array(SLOTS);
  const bins = new Uint32Array(SLOTS * BINS);
  const slotOf = new Float64Array(SLOTS).fill(-1);

  const slotIndex = (slot: number) => {
    const i = slot % SLOTS;
    if (slotOf[i] !== slot) {
      slotOf[i] = slot;
      counts[i] = 0;
      bins.fill(0, i * BINS, (i + 1) * BINS);
    }
    return i;
  };

  return {
    record(seconds) {
      const i = slotIndex(Math.floor(now() / SLOT_MS));
      counts[i]!++;
      const bin =
        seconds <= MIN_SECONDS
          ? 0
          : Math.min(BINS - 1, Math.ceil(Math.log(seconds / MIN_SECONDS) / LOG_GROWTH));
      bins[i * BINS + bin]!++;
    },
    history() {
      const current = Math.floor(now() / SLOT_MS);
      const points: TrafficPoint[] = [];
      for (let slot = current - SLOTS + 1; slot <= current; slot++) {
        const i = slot % SLOTS;
        const n = slotOf[i] === slot ? counts[i]! : 0;
        points.push({
          t: slot * SLOT_MS,
          requests: n,
          rps: n / (SLOT_MS / 1000),
          p50_ms: n === 0 ? null : quantile(bins, i, n, 0.5),
          p99_ms: n === 0 ? null : quantile(bins, i, n, 0.99),
        });
      }
      return points;
    },
  };
}

function quantile(bins: Uint32Array, slot: number, total: number, q: number): number {
  const wanted = Math.ceil(q * total);
  let seen = 0;
  for (let b = 0; b < BINS; b++) {
    seen += bins[slot * BINS + b]!;
    if (seen >= wanted) return Math.round(MIN_SECONDS * GROWTH ** b * 1e6) / 1e3;
  }
  return Math.round(MIN_SECONDS * GROWTH ** (BINS - 1) * 1e6) / 1e3;
}
