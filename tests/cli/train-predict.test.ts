// keel train and keel predict on real files, the way CI runs them.

import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUNDLED_DATA } from "../../src/config.ts";
import { loadOnnxModel } from "../../src/serving/onnx-model.ts";
import { writeWeatherParquet } from "../helpers/parquet.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";
import { weatherRows } from "../http/weather-traffic.ts";
import { keelCli } from "./run-cli.ts";

const tempDir = useTempDirs();

describe("keel train", () => {
  test("writes a servable ONNX model and a report", async () => {
    const dir = tempDir();
    const out = join(dir, "model.onnx");
    const report = join(dir, "report.json");
    const result = await keelCli([
      "train",
      "--data",
      BUNDLED_DATA,
      "--out",
      out,
      "--report",
      report,
    ]);
    expect(result.code).toBe(0);
    expect(result.out).toContain("holdout accuracy=");
    const model = await loadOnnxModel(readFileSync(out), {
      identity: { name: "weather", version: 0 },
    });
    expect(model.signature.classes).toEqual(["drizzle", "fog", "rain", "snow", "sun"]);
    await model.retire();
    const written = JSON.parse(readFileSync(report, "utf8"));
    expect(written).toMatchObject({
      model: "weather",
      algorithm: "logistic_regression",
      task: "classification",
      target: "weather",
    });
    expect(written.metrics.accuracy).toBeGreaterThan(0.7);
    expect(written.dataset.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(written.onnx_parity_max_abs_diff).toBeLessThan(1e-5);
  });

  test("bad input: one line, exit 2", async () => {
    const dir = tempDir();
    const missing = await keelCli(["train", "--data", join(dir, "none.csv")]);
    expect(missing.code).toBe(2);
    expect(missing.err.trim().split("\n")).toHaveLength(1);
    writeFileSync(join(dir, "x.csv"), "a,b\n1,2\n3,4\n");
    const noTarget = await keelCli(["train", "--data", join(dir, "x.csv"), "--target", "weather"]);
    expect(noTarget.code).toBe(2);
    expect(noTarget.err).toContain('"weather"');
    expect((await keelCli(["train", "--data", BUNDLED_DATA, "--algorithm", "forest"])).code).toBe(
      2,
    );
  });

  test("a hyper-parameter the trainer refuses is bad input too: one line, exit 2", async () => {
    const spec = join(tempDir(), "weather.spec.json");
    writeFileSync(spec, JSON.stringify({ target: "weather", params: { C: 0 } }));
    const refused = await keelCli(["train", "--data", BUNDLED_DATA, "--spec", spec]);
    expect(refused.code).toBe(2);
    // The data notes and the progress line come first; the failure is the one last line.
    expect(refused.err.trim().split("\n").at(-1)).toBe(
      "keel: training failed: Parameter C must be a number > 0, got 0",
    );
  });
});

describe("keel predict", () => {
  test("scores a CSV: one row per input with proba_<class> columns", async () => {
    const dir = tempDir();
    const model = join(dir, "model.onnx");
    await keelCli(["train", "--data", BUNDLED_DATA, "--out", model]);
    const data = join(dir, "rows.csv");
    writeFileSync(
      data,
      "date,precipitation,temp_max,temp_min,wind\nx,0,25,14,2\ny,30,8,3,7\nz,,12,,4\n",
    );
    const out = join(dir, "scored.csv");
    const result = await keelCli(["predict", "--model", model, "--data", data, "--out", out]);
    expect(result.code).toBe(0);
    const [header, ...rows] = readFileSync(out, "utf8").trim().split("\n");
    expect(header).toBe("row,prediction,proba_drizzle,proba_fog,proba_rain,proba_snow,proba_sun");
    expect(rows).toHaveLength(3);
    const probabilities = rows[1]!.split(",").slice(2).map(Number);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(rows[1]!.split(",")[1]).toBe("rain");
  });

  test("a file without the model's features, or no model: one line, exit 2", async () => {
    const dir = tempDir();
    const model = join(dir, "model.onnx");
    await keelCli(["train", "--data", BUNDLED_DATA, "--out", model]);
    writeFileSync(join(dir, "narrow.csv"), "precipitation\n1\n");
    const narrow = await keelCli(["predict", "--model", model, "--data", join(dir, "narrow.csv")]);
    expect(narrow.code).toBe(2);
    expect(narrow.err).toContain('"temp_max"');
    const noModel = await keelCli([
      "predict",
      "--model",
      join(dir, "none.onnx"),
      "--data",
      join(dir, "narrow.csv"),
    ]);
    expect(noModel.code).toBe(2);
    writeFileSync(join(dir, "junk.onnx"), "not a model");
    const junk = await keelCli([
      "predict",
      "--model",
      join(dir, "junk.onnx"),
      "--data",
      join(dir, "narrow.csv"),
    ]);
    expect(junk.code).toBe(2);
    expect(junk.err.trim().split("\n")).toHaveLength(1);
  });
});

describe("parquet on the command line", () => {
  test("keel train reads parquet, and the same rows as CSV train the same model", async () => {
    const dir = tempDir();
    const parquet = await writeWeatherParquet(join(dir, "weather.parquet"), weatherRows());
    const train = async (data: string, name: string) => {
      const report = join(dir, `${name}.json`);
      const result = await keelCli([
        "train",
        "--data",
        data,
        "--target",
        "weather",
        "--time-column",
        "date",
        "--algorithm",
        "linear",
        "--out",
        join(dir, `${name}.onnx`),
        "--report",
        report,
      ]);
      expect(result.code).toBe(0);
      return JSON.parse(readFileSync(report, "utf8"));
    };
    const fromParquet = await train(parquet, "parquet");
    const fromCsv = await train(BUNDLED_DATA, "csv");
    expect(fromParquet.dataset).toMatchObject({ format: "parquet", rows: 1461 });
    expect(fromParquet.dataset.schema).toContainEqual({
      name: "date",
      type: "datetime",
      role: "time",
    });
    expect(fromParquet.metrics).toEqual(fromCsv.metrics);
  });

  test("keel predict scores a parquet file; a corrupt one is one line, exit 2", async () => {
    const dir = tempDir();
    const model = join(dir, "model.onnx");
    await keelCli(["train", "--data", BUNDLED_DATA, "--algorithm", "linear", "--out", model]);
    const rows = weatherRows().slice(0, 5);
    const data = await writeWeatherParquet(join(dir, "rows.parquet"), rows);
    const out = join(dir, "scored.jsonl");
    const result = await keelCli(["predict", "--model", model, "--data", data, "--out", out]);
    expect(result.code).toBe(0);
    const scored = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(scored.map((s) => s.row)).toEqual([1, 2, 3, 4, 5]);
    writeFileSync(join(dir, "cut.parquet"), readFileSync(data).subarray(0, 200));
    const cut = await keelCli(["predict", "--model", model, "--data", join(dir, "cut.parquet")]);
    expect(cut.code).toBe(2);
    expect(cut.err.trim().split("\n")).toHaveLength(1);
    expect(cut.err).toContain(`Parquet ${join(dir, "cut.parquet")} cannot be read`);
  });
});
