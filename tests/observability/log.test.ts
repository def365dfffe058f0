import { describe, expect, test } from "bun:test";
import { createLogger } from "../../src/observability/log.ts";

function capture(level: "debug" | "info" | "warn" | "error" = "info") {
  const writes: string[] = [];
  const logger = createLogger({ level, write: (text) => writes.push(text) });
  const lines = () =>
    writes
      .join("")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  return { logger, writes, lines };
}

describe("createLogger", () => {
  test("writes one JSON object per line with time, level, event and the fields", () => {
    const { logger, lines } = capture();
    logger.info("run.started", { run_id: "r1", trigger: "api" });
    logger.flush();
    const [line] = lines();
    expect(line).toMatchObject({
      level: "info",
      event: "run.started",
      run_id: "r1",
      trigger: "api",
    });
    expect(Date.parse(line.time)).toBeGreaterThan(0);
  });

  test("gathers info lines into one write within a tenth of a second", async () => {
    const { logger, writes, lines } = capture();
    for (let i = 0; i < 50; i++) logger.info("http.request", { status: 200, i });
    await Bun.sleep(0);
    expect(writes).toHaveLength(0);
    await Bun.sleep(150);
    expect(writes).toHaveLength(1);
    expect(lines().map((l) => l.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  test("warnings and errors go out at the next turn, with what was waiting before them", async () => {
    const { logger, writes, lines } = capture();
    logger.info("first");
    logger.error("boom", { error: "x" });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    expect(lines().map((l) => l.event)).toEqual(["first", "boom"]);
  });

  test("a full buffer is written at once, and lines below the level are dropped", () => {
    const { logger, writes, lines } = capture("info");
    logger.debug("hidden");
    logger.info("big", { pad: "x".repeat(70 * 1024) });
    expect(writes).toHaveLength(1);
    expect(lines().map((l) => l.event)).toEqual(["big"]);
  });

  test("fields named time, level or event cannot break the line", () => {
    const { logger, lines } = capture();
    logger.info("e", { event: "spoof", note: 'quote " and \n newline' });
    logger.flush();
    expect(lines()).toHaveLength(1);
    expect(lines()[0].note).toBe('quote " and \n newline');
  });
});
