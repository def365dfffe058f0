import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { findSpecFor, readSpec, validateSpec } from "../../src/data/spec.ts";
import { expectAppError, withTempDir } from "./helpers.ts";

describe("a dataset spec", () => {
  test("is found beside a local data file", async () => {
    expect(await findSpecFor("data/seattle-weather.csv")).toBe("data/seattle-weather.spec.json");
  });

  test("is not looked for beside a URL or a file without one", async () => {
    expect(await findSpecFor("https://example.com/seattle-weather.csv")).toBeUndefined();
    await withTempDir(async (dir) => {
      expect(await findSpecFor(join(dir, "plain.csv"))).toBeUndefined();
    });
  });

  test("for the bundled data reads as written", async () => {
    const spec = await readSpec("data/seattle-weather.spec.json");
    expect(spec).toMatchObject({
      name: "weather",
      target: "weather",
      task: "classification",
      time_column: "date",
      features: {
        precipitation: "numeric",
        temp_max: "numeric",
        temp_min: "numeric",
        wind: "numeric",
      },
    });
    expect(spec.license).toContain("U.S. Government");
  });

  test("without a target is refused, naming the file and the field", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "x.spec.json");
      await Bun.write(path, JSON.stringify({ name: "x" }));
      await expectAppError(() => readSpec(path), "INVALID_DATA", `Dataset spec ${path}: "target"`);
    });
  });

  test("that is not JSON is refused", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "x.spec.json");
      await Bun.write(path, "{ target: ");
      await expectAppError(() => readSpec(path), "INVALID_DATA", /is not valid JSON/);
    });
  });

  test("that does not exist is unavailable", async () => {
    await expectAppError(() => readSpec("data/none.spec.json"), "DATA_UNAVAILABLE", /not found/);
  });

  test("with a bad field says which and why", async () => {
    const cases: [unknown, string][] = [
      [[], "must be a JSON object"],
      [
        { target: "y", task: "ranking" },
        '"task" must be "classification" or "regression", got "ranking"',
      ],
      [
        { target: "y", features: { a: "words" } },
        'feature "a" must be "numeric", "categorical", "text", "datetime" or {"type": "text" | "datetime", ...}, got "words"',
      ],
      [
        { target: "y", features: { a: { type: "text", analyzer: "byte" } } },
        'text feature "a": "analyzer" must be "char" or "word"',
      ],
      [
        { target: "y", features: { a: { type: "text", ngram_range: [3, 1] } } },
        'text feature "a": "ngram_range" must be [min, max] with 1 ≤ min ≤ max ≤ 5',
      ],
      [
        { target: "y", features: { a: { type: "text", max_features: 0 } } },
        'text feature "a": "max_features" must be an integer ≥ 1',
      ],
      [
        { target: "y", features: { a: { type: "text", stop_words: "english" } } },
        'text feature "a": unknown field "stop_words"',
      ],
      [{ target: "y", features: [] }, '"features" must be an object'],
      [
        { target: "y", params: { depth: [1] } },
        'param "depth" must be a number, string or boolean',
      ],
      [{ target: "y", time_colum: "t" }, 'unknown field "time_colum"'],
      [{ target: "y", time_column: 3 }, '"time_column" must be a non-empty string'],
    ];
    for (const [value, message] of cases) {
      await expectAppError(() => validateSpec(value, "s.json"), "INVALID_DATA", message);
    }
  });
});
