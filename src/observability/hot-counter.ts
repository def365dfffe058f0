// A Prometheus counter for the request path. prom-client hashes and checks the
// labels on every inc(); here each label set is looked up once by a string
// key, counts are summed in place, and handed to prom-client when the registry
// is scraped, so /metrics stays exact.

import client from "prom-client";

export interface HotCounter<L extends string> {
  counter: client.Counter<L>;
  /** Adds `by` to the series named by `key`; `labels` builds its labels the first time. */
  add(key: string, labels: () => Record<L, string>, by?: number): void;
}

export function createHotCounter<L extends string>(
  config: Omit<client.CounterConfiguration<L>, "collect">,
): HotCounter<L> {
  const series = new Map<string, { labels: Record<L, string>; pending: number }>();
  const counter = new client.Counter<L>({
    ...config,
    collect() {
      for (const entry of series.values()) {
        if (entry.pending === 0) continue;
        this.inc(entry.labels, entry.pending);
        entry.pending = 0;
      }
    },
  });
  return {
    counter,
    add(key, labels, by = 1) {
      let entry = series.get(key);
      if (entry === undefined) {
        entry = { labels: labels(), pending: 0 };
        series.set(key, entry);
      }
      entry.pending += by;
    },
  };
}
