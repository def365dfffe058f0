import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { CategoricalColumn, NumericColumn } from "../../src/data/dataset.ts";
import { buildDataset, loadDataset } from "../../src/data/load.ts";
import { sha256Hex } from "../../src/sha256.ts";
import { csvTable, expectAppError, sampleCsv, table, withTempDir } from "./helpers.ts";

const BUNDLED = "data/seattle-weather.csv";

describe("the bundled Seattle weather dataset", () => {
  test("loads with 1461 rows, 4 numeric features and 5 classes, its spec found beside it", async () => {
    const { dataset, spec, fingerprint, time } = await loadDataset({ source: BUNDLED });
    expect(dataset.rows).toBe(1461);
    expect(dataset.features.map((f) => [f.name, f.type])).toEqual([
      ["precipitation", "numeric"],
      ["temp_max", "numeric"],
      ["temp_min", "numeric"],
      ["wind", "numeric"],
    ]);
    expect(dataset.target.task).toBe("classification");
    if (dataset.target.task === "classification") {
      expect(dataset.target.classes).toEqual(["drizzle", "fog", "rain", "snow", "sun"]);
      expect(dataset.target.codes).toBeInstanceOf(Int32Array);
    }
    expect(spec).toMatchObject({ name: "weather", target: "weather", timeColumn: "date" });
    expect(time?.[0]).toBe("2012-01-01");
    expect(time?.at(-1)).toBe("2015-12-31");
    expect(fingerprint.dropped_rows).toBe(0);
  });

  test("does not use the date as a feature", async () => {
    const { dataset, fingerprint } = await loadDataset({ source: BUNDLED });
    expect(dataset.features.some((f) => f.name === "date")).toBe(false);
    expect(fingerprint.schema.find((c) => c.name === "date")?.role).toBe("time");
  });

  test("has a fingerprint whose sha256 is the file's sha256", async () => {
    const { fingerprint } = await loadDataset({ source: BUNDLED });
    const fileBytes = new Uint8Array(await Bun.file(BUNDLED).arrayBuffer());
    expect(fingerprint.sha256).toBe(sha256Hex(fileBytes));
    expect(fingerprint).toMatchObject({ source: BUNDLED, format: "csv", rows: 1461 });
    expect(fingerprint.columns).toEqual([
      "date",
      "precipitation",
      "temp_max",
      "temp_min",
      "wind",
      "weather",
    ]);
  });

  test("loads without its spec when a target is given, inferring the same features", async () => {
    const text = await Bun.file(BUNDLED).text();
    const { dataset } = buildDataset(csvTable(text), { target: "weather", timeColumn: "date" });
    expect(dataset.features.map((f) => f.name)).toEqual([
      "precipitation",
      "temp_max",
      "temp_min",
      "wind",
    ]);
    expect(dataset.target.task).toBe("classification");
  });
});

describe("CSV and JSON lines", () => {
  const csv = [
    "city,temp,rain,label",
    "oslo,1.5,yes,cold",
    "rome,20,no,warm",
    ...Array.from(
      { length: 10 },
      (_, i) => `c${i % 3},${i},${i % 2 ? "yes" : "no"},${i % 2 ? "cold" : "warm"}`,
    ),
  ].join("\n");
  const jsonl = csv
    .split("\n")
    .slice(1)
    .map((line) => {
      const [city, temp, rain, label] = line.split(",");
      return JSON.stringify({ label, temp: Number(temp), city, rain });
    })
    .join("\n");

  test("give the same Dataset for the same data", () => {
    const fromCsv = buildDataset(table(csv, "csv"), { target: "label" });
    const fromJsonl = buildDataset(table(jsonl, "jsonl"), { target: "label" });
    // JSON lines order columns by first appearance; features are compared by name.
    const byName = (d: typeof fromCsv) =>
      Object.fromEntries(d.dataset.features.map((f) => [f.name, f]));
    expect(byName(fromJsonl)).toEqual(byName(fromCsv));
    expect(fromJsonl.dataset.target).toEqual(fromCsv.dataset.target);
    expect(fromJsonl.dataset.rows).toBe(fromCsv.dataset.rows);
  });

  test("from files load the same through loadDataset", async () => {
    await withTempDir(async (dir) => {
      await Bun.write(join(dir, "d.csv"), csv);
      await Bun.write(join(dir, "d.jsonl"), jsonl);
      const a = await loadDataset({ source: join(dir, "d.csv"), target: "label" });
      const b = await loadDataset({ source: join(dir, "d.jsonl"), target: "label" });
      expect(a.fingerprint.format).toBe("csv");
      expect(b.fingerprint.format).toBe("jsonl");
      expect(b.dataset.target).toEqual(a.dataset.target);
      expect(a.spec.name).toBe("d");
    });
  });
});

describe("missing values", () => {
  const data = [
    "n,c,label",
    ",x,a",
    "NaN,,b",
    "NA,null,a",
    ...Array.from({ length: 9 }, (_, i) => `${i},${i % 2 ? "x" : "y"},${i % 2 ? "a" : "b"}`),
  ].join("\n");

  test("become NaN in numeric columns and -1 in categorical ones", () => {
    const { dataset } = buildDataset(csvTable(data), { target: "label" });
    const [n, c] = dataset.features as [NumericColumn, CategoricalColumn];
    expect(n.type).toBe("numeric");
    expect(Array.from(n.values.slice(0, 4))).toEqual([Number.NaN, Number.NaN, Number.NaN, 0]);
    expect(c.vocabulary).toEqual(["x", "y"]);
    expect(Array.from(c.codes.slice(0, 4))).toEqual([0, -1, -1, 1]);
  });

  test("in the target drop the row, counted as dropped_rows", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "t.csv");
      await Bun.write(path, `${sampleCsv(12)}2024-02-01,1,2,\n2024-02-02,3,4,NaN\n`);
      const { dataset, fingerprint } = await loadDataset({ source: path, target: "label" });
      expect(dataset.rows).toBe(12);
      expect(fingerprint.rows).toBe(12);
      expect(fingerprint.dropped_rows).toBe(2);
    });
  });
});

describe("reading columns", () => {
  test("keeps numeric strings of a categorical column in their string form", () => {
    const rows = Array.from({ length: 12 }, (_, i) => `${i % 2 ? "007" : "10"},${i},${i % 2}`);
    const { dataset } = buildDataset(csvTable(["zip,x,label", ...rows].join("\n")), {
      target: "label",
      features: [
        { name: "zip", type: "categorical" },
        { name: "x", type: "numeric" },
      ],
    });
    expect((dataset.features[0] as CategoricalColumn).vocabulary).toEqual(["007", "10"]);
  });

  test("reads booleans as the categories true and false", () => {
    const lines = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({ on: i % 3 === 0, label: i % 2 }),
    );
    const { dataset } = buildDataset(table(lines.join("\n"), "jsonl"), { target: "label" });
    const on = dataset.features[0] as CategoricalColumn;
    expect(on.type).toBe("categorical");
    expect(on.vocabulary).toEqual(["false", "true"]);
  });

  test("treats a numeric target with few integer values as classes, in numeric order", () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i},${[2, 10, 1][i % 3]}`);
    const { dataset } = buildDataset(csvTable(["x,grade", ...rows].join("\n")), {
      target: "grade",
    });
    expect(dataset.target.task).toBe("classification");
    if (dataset.target.task === "classification") {
      expect(dataset.target.classes).toEqual(["1", "2", "10"]);
    }
  });

  test("treats a numeric target with fractions as regression", () => {
    const rows = Array.from({ length: 12 }, (_, i) => `${i},${i * 1.5}`);
    const { dataset, spec } = buildDataset(csvTable(["x,y", ...rows].join("\n")), { target: "y" });
    expect(dataset.target.task).toBe("regression");
    expect(spec.task).toBe("regression");
  });

  test("keeps rows sorted by the time column, stable for equal times", () => {
    const rows = ["2024-03-01,1,a", "2024-01-01,2,b", "2024-02-01,3,a", "2024-01-01,4,b"];
    const more = Array.from(
      { length: 8 },
      (_, i) => `2025-01-0${i + 1},${i + 5},${i % 2 ? "a" : "b"}`,
    );
    const { dataset, time } = buildDataset(csvTable(["t,x,label", ...rows, ...more].join("\n")), {
      target: "label",
      timeColumn: "t",
    });
    expect(time?.slice(0, 4)).toEqual(["2024-01-01", "2024-01-01", "2024-02-01", "2024-03-01"]);
    expect(Array.from((dataset.features[0] as NumericColumn).values.slice(0, 4))).toEqual([
      2, 4, 3, 1,
    ]);
  });

  test("lets the target option override the spec's target", () => {
    const { spec } = buildDataset(csvTable(sampleCsv()), {
      spec: { target: "x", features: { y: "numeric" } },
      target: "label",
    });
    expect(spec.target).toBe("label");
  });

  test("with the model's features uses exactly those and ignores extra columns", () => {
    const { dataset, spec } = buildDataset(csvTable(sampleCsv()), {
      target: "label",
      timeColumn: "day",
      features: [{ name: "y", type: "numeric" }],
    });
    expect(dataset.features.map((f) => f.name)).toEqual(["y"]);
    expect(spec.features).toEqual([{ name: "y", type: "numeric" }]);
  });
});

describe("data no model can learn from is refused", () => {
  test("a missing target column, listing the columns there are", async () => {
    await expectAppError(
      () => buildDataset(csvTable(sampleCsv()), { target: "weather" }),
      "INVALID_DATA",
      'Target column "weather" not found in data; the columns are: day, x, y, label',
    );
  });

  test("an empty dataset", async () => {
    await expectAppError(() => csvTable("a,b,label\n"), "INVALID_DATA", /is empty/);
    await expectAppError(() => table("\n\n", "jsonl"), "INVALID_DATA", /is empty/);
  });

  test("fewer than 10 usable rows", async () => {
    await expectAppError(
      () => buildDataset(csvTable(sampleCsv(9)), { target: "label" }),
      "INVALID_DATA",
      /only 9 usable rows.*at least 10/,
    );
  });

  test("a dataset whose every feature is empty or constant", async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `,4.7,${i % 2}`);
    await expectAppError(
      () => buildDataset(csvTable(["blank,wind,label", ...rows].join("\n")), { target: "label" }),
      "INVALID_DATA",
      'No features left in data: "blank" is empty: no row has a value; "wind" is constant: every value is 4.7',
    );
  });

  test("a classification target with a single class", async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `${i},sun`);
    await expectAppError(
      () => buildDataset(csvTable(["x,weather", ...rows].join("\n")), { target: "weather" }),
      "INVALID_DATA",
      'Target "weather" has only one class ("sun"); classification needs at least 2',
    );
  });

  test("no features left once target and time are set aside", async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `2024-01-${i + 10},${i % 2}`);
    await expectAppError(
      () =>
        buildDataset(csvTable(["day,label", ...rows].join("\n")), {
          target: "label",
          timeColumn: "day",
        }),
      "INVALID_DATA",
      /No features left/,
    );
  });

  test("a model feature the data lacks", async () => {
    await expectAppError(
      () =>
        buildDataset(csvTable(sampleCsv()), {
          target: "label",
          features: [{ name: "wind", type: "numeric" }],
        }),
      "INVALID_DATA",
      'Feature "wind" is missing from data; the columns are: day, x, y, label',
    );
  });

  test("a numeric model feature whose column holds text", async () => {
    await expectAppError(
      () =>
        buildDataset(csvTable(sampleCsv()), {
          target: "x",
          features: [{ name: "label", type: "numeric" }],
        }),
      "INVALID_DATA",
      'Feature "label" must be numeric but column "label" holds non-numeric values such as "a"',
    );
  });

  test("regression asked of a text target", async () => {
    await expectAppError(
      () => buildDataset(csvTable(sampleCsv()), { spec: { target: "label", task: "regression" } }),
      "INVALID_DATA",
      'Target "label" must be numeric for regression but holds "a"',
    );
  });

  test("no target given at all", async () => {
    await expectAppError(
      () => buildDataset(csvTable(sampleCsv())),
      "INVALID_DATA",
      /No target column/,
    );
  });
});

describe("columns that cannot inform a model are set aside, not refused", () => {
  const rows = (make: (i: number) => string, n = 20) =>
    Array.from({ length: n }, (_, i) => make(i));

  test("a constant column and an empty one: the rest trains, the fingerprint says which and why", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "pixels.csv");
      const lines = rows((i) => `0,,${i % 5},${i % 3},${i % 2}`);
      await Bun.write(path, ["pixel_0_0,blank,x,y,label", ...lines].join("\n"));
      const loaded = await loadDataset({ source: path, target: "label" });
      expect(loaded.dataset.features.map((f) => f.name)).toEqual(["x", "y"]);
      expect(loaded.spec.unused).toEqual([
        { name: "pixel_0_0", reason: "constant: every value is 0" },
        { name: "blank", reason: "empty: no row has a value" },
      ]);
      const roles = Object.fromEntries(loaded.fingerprint.schema.map((c) => [c.name, c.role]));
      expect(roles).toMatchObject({ pixel_0_0: "unused", blank: "unused", x: "feature" });
      expect(loaded.fingerprint.warnings).toEqual([
        'Column "pixel_0_0" is set aside (constant: every value is 0): the model does not use it; requests may still send it',
        'Column "blank" is set aside (empty: no row has a value): the model does not use it; requests may still send it',
      ]);
    });
  });

  test("one value with some rows missing is a signal (the value is there or not): kept", () => {
    const lines = rows((i) => `${i % 3 ? "yes" : ""},${i % 4},${i % 2}`);
    const { dataset, spec } = buildDataset(csvTable(["flag,x,label", ...lines].join("\n")), {
      target: "label",
    });
    expect(dataset.features.map((f) => f.name)).toEqual(["flag", "x"]);
    expect(spec.unused).toEqual([]);
  });

  test("a retrain reads the production model's set-aside columns again: used once they vary", () => {
    const lines = rows((i) => `${i % 6},${i % 4},${i % 2}`);
    const { dataset, spec } = buildDataset(csvTable(["wind,x,label", ...lines].join("\n")), {
      target: "label",
      features: [{ name: "x", type: "numeric" }],
      reconsidered: ["wind", "gone"],
    });
    expect(dataset.features.map((f) => f.name)).toEqual(["x", "wind"]);
    expect(spec.unused).toEqual([]);
  });
});

describe("dates", () => {
  const weatherLike = (n = 30) =>
    [
      "date,precipitation,temp_max,weather",
      ...Array.from(
        { length: n },
        (_, i) =>
          `2012-01-${String(30 - i).padStart(2, "0")},${i % 4},${10 + (i % 6)},${i % 3 ? "sun" : "rain"}`,
      ),
    ].join("\n");

  test("without a spec, a table's only date column is its time column: it orders the rows and is no feature", () => {
    const built = buildDataset(csvTable(weatherLike()), { target: "weather" });
    expect(built.spec.timeColumn).toBe("date");
    expect(built.dataset.features.map((f) => f.name)).toEqual(["precipitation", "temp_max"]);
    expect(built.time?.slice(0, 2)).toEqual(["2012-01-01", "2012-01-02"]);
    const date = built.schema.find((c) => c.name === "date")!;
    expect(date).toMatchObject({ type: "datetime", role: "time" });
    expect(date.note).toContain("the only date column");
  });

  test("several date columns are features the model learns calendar parts from", () => {
    const lines = Array.from(
      { length: 30 },
      (_, i) =>
        `2012-01-${String(i + 1).padStart(2, "0")},2012-02-${String((i % 28) + 1).padStart(2, "0")}T${String(i % 24).padStart(2, "0")}:30:00Z,${i % 4},${i % 2}`,
    );
    const built = buildDataset(csvTable(["ordered,shipped,x,label", ...lines].join("\n")), {
      target: "label",
    });
    expect(built.spec.timeColumn).toBeUndefined();
    const [ordered, shipped] = built.dataset.features;
    expect(ordered).toMatchObject({ name: "ordered", type: "datetime" });
    expect(ordered?.type === "datetime" && ordered.options.parts).toEqual([
      "year",
      "month",
      "day_of_week",
      "day_of_year",
    ]);
    expect(shipped?.type === "datetime" && shipped.options.parts).toContain("hour");
    expect(built.spec.features[1]).toMatchObject({
      name: "shipped",
      datetime: { parts: expect.arrayContaining(["hour"]) },
    });
  });

  test("a spec can read numbers as epoch seconds, and a bad date in a datetime feature is named", async () => {
    const lines = Array.from(
      { length: 20 },
      (_, i) => `${1_700_000_000 + i * 3600},${i % 3},${i % 2}`,
    );
    const built = buildDataset(csvTable(["ts,x,label", ...lines].join("\n")), {
      spec: { target: "label", features: { ts: { type: "datetime", epoch: "s" }, x: "numeric" } },
    });
    const ts = built.dataset.features[0]!;
    expect(ts.type === "datetime" && Array.from(ts.values.slice(0, 2))).toEqual([
      1_700_000_000, 1_700_003_600,
    ]);
    await expectAppError(
      () =>
        buildDataset(csvTable(["ts,x,label", ...lines, "2023-99-01,1,0"].join("\n")), {
          spec: { target: "label", features: { ts: "datetime", x: "numeric" } },
        }),
      "INVALID_DATA",
      /Feature "ts" holds "1700000000", which is not a date like 2024-05-01/,
    );
  });
});
