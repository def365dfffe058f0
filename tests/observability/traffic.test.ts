import { describe, expect, test } from "bun:test";
import { createTraffic } from "../../src/observability/traffic.ts";

describe("traffic history", () => {
  test("counts per 10 s slot over the last hour, with rate and latency quantiles", () => {
    const clock = { t: 1_000_000_000 };
    const traffic = createTraffic(() => clock.t);
    for (let i = 0; i < 98; i++) traffic.record(0.002);
    traffic.record(0.2);
    traffic.record(0.2);
    const history = traffic.history();
    expect(history).toHaveLength(360);
    const last = history.at(-1)!;
    expect(last.requests).toBe(100);
    expect(last.rps).toBe(10);
    // Quantiles are bin edges, within one bin (35 %) above the true value.
    expect(last.p50_ms!).toBeGreaterThanOrEqual(2);
    expect(last.p50_ms!).toBeLessThan(2 * 1.35);
    expect(last.p99_ms!).toBeGreaterThanOrEqual(200);
    expect(last.p99_ms!).toBeLessThan(200 * 1.35);
    expect(history[0]!.requests).toBe(0);
    expect(history[0]!.p50_ms).toBeNull();
  });

  test("old slots are forgotten after an hour", () => {
    const clock = { t: 2_000_000_000 };
    const traffic = createTraffic(() => clock.t);
    traffic.record(0.001);
    clock.t += 3_600_000;
    traffic.record(0.001);
    const total = traffic.history().reduce((n, p) => n + p.requests, 0);
    expect(total).toBe(1);
  });
});
