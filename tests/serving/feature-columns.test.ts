// readFeatureColumns: rows checked and laid out as typed columns in one pass.
// Whatever it refuses is refused with exactly the 422 validate-rows.ts names,
// and it refuses exactly what validate-rows.ts finds a problem with.

import { describe, expect, test } from "bun:test";
import { createRandom } from "../../src/data/random.ts";
import { AppError } from "../../src/errors.ts";
import type { FeatureSignature, ModelSignature } from "../../src/registry/model-format.ts";
import {
  concatColumns,
  type FeatureColumns,
  readFeatureColumns,
  sampleColumns,
} from "../../src/serving/feature-columns.ts";
import { findProblems, invalidRows } from "../../src/serving/validate-rows.ts";
import { caughtAppError } from "../helpers/app-error.ts";

function signatureOf(features: FeatureSignature[], extra: Partial<ModelSignature> = {}) {
  const signature: ModelSignature = {
    task: "classification",
    target: "y",
    features,
    classes: ["no", "yes"],
    inputs: {
      layout: "per-feature",
      tensors: features.map((f) => ({
        name: f.name,
        element: f.type === "numeric" || f.type === "datetime" ? "float64" : "string",
        rank: 2,
      })),
    },
    outputs: { label: "label", probabilities: "probabilities", labelIsIndex: true },
    ...extra,
  };
  return signature;
}

const mixed = signatureOf([
  { name: "temp", type: "numeric" },
  { name: "sky", type: "categorical", vocabulary: ["clear", "cloudy"] },
  { name: "wind", type: "numeric" },
  { name: "note", type: "text" },
  { name: "at", type: "datetime", datetime: { parts: ["hour"] } },
]);

/** Column k of the numbers (or strings) as a plain array. */
const numberColumn = (columns: FeatureColumns, k: number) =>
  Array.from(columns.numbers.subarray(k * columns.count, (k + 1) * columns.count));
const stringColumn = (columns: FeatureColumns, k: number) =>
  columns.strings.slice(k * columns.count, (k + 1) * columns.count);

/** The 422 validate-rows.ts makes of these rows. */
function expectedRefusal(rows: unknown[], signature: ModelSignature) {
  const known = new Set([
    ...signature.features.map((f) => f.name),
    ...(signature.timeColumn ? [signature.timeColumn] : []),
    ...(signature.unused ?? []),
  ]);
  return invalidRows(findProblems(rows, signature.features, known));
}

describe("readFeatureColumns", () => {
  test("numbers and strings go into their own arrays, feature after feature; null is NaN or ''", () => {
    const columns = readFeatureColumns(
      [
        { temp: 12.5, sky: "clear", wind: 3, note: "dry", at: 3600 },
        { temp: null, sky: null, wind: -1, note: null, at: null },
        { temp: 0, sky: "hail", wind: 0.25, note: 42, at: "1970-01-01T02:00:00Z" },
      ],
      mixed,
    );
    expect(columns.count).toBe(3);
    expect(numberColumn(columns, 0)).toEqual([12.5, Number.NaN, 0]);
    expect(numberColumn(columns, 1)).toEqual([3, -1, 0.25]);
    expect(numberColumn(columns, 2)).toEqual([3600, Number.NaN, 7200]);
    expect(stringColumn(columns, 0)).toEqual(["clear", "", "hail"]);
    expect(stringColumn(columns, 1)).toEqual(["dry", "", "42"]);
  });

  test("datetime and text values in the rows become what the model reads, as the live window keeps them", () => {
    const rows: Record<string, unknown>[] = [
      { temp: 1, sky: "clear", wind: 1, note: "  padded ", at: "1970-01-01T00:01:00Z" },
      { temp: 1, sky: "clear", wind: 1, note: true },
    ];
    readFeatureColumns(rows, mixed);
    expect(rows).toEqual([
      { temp: 1, sky: "clear", wind: 1, note: "padded", at: 60 },
      { temp: 1, sky: "clear", wind: 1, note: "true", at: null },
    ]);
  });

  test("millisecond epochs are read as seconds when the model was trained on them", () => {
    const ms = signatureOf([
      { name: "t", type: "datetime", datetime: { parts: ["hour"], epoch: "ms" } },
    ]);
    expect(numberColumn(readFeatureColumns([{ t: 1_714_571_100_000 }], ms), 0)).toEqual([
      1_714_571_100,
    ]);
  });

  test("feature names that need escaping are read like any other", async () => {
    const names = ['say "hi"', "back\\slash", "line\u2028sep", "__proto__", "constructor", "x}; y"];
    const odd = signatureOf(names.map((name) => ({ name, type: "numeric" as const })));
    // JSON text, so "__proto__" is an own key as in a parsed request.
    const rowOf = (keys: string[]) =>
      JSON.parse(`{${keys.map((name, i) => `${JSON.stringify(name)}:${i}`).join(",")}}`);
    expect(Array.from(readFeatureColumns([rowOf(names)], odd).numbers)).toEqual([0, 1, 2, 3, 4, 5]);
    const withoutProto = [rowOf(names.filter((name) => name !== "__proto__"))];
    const error = await caughtAppError(() => readFeatureColumns(withoutProto, odd));
    expect(error.details).toEqual(expectedRefusal(withoutProto, odd).details);
    expect(error.message).toContain('feature "__proto__"');
  });

  test("the time column and set-aside columns may be sent; other unknown fields are refused", async () => {
    const signature = signatureOf([{ name: "x", type: "numeric" }], {
      timeColumn: "date",
      unused: ["pixel_0_0"],
    });
    const columns = readFeatureColumns([{ x: 1, date: "2024-05-01", pixel_0_0: 0 }], signature);
    expect(numberColumn(columns, 0)).toEqual([1]);
    const error = await caughtAppError(() =>
      readFeatureColumns([{ x: 1, date: "2024-05-01", typo: 1 }], signature),
    );
    expect(error.message).toContain('feature "typo" is not a feature of this model');
  });

  test.each([
    ["a wrongly typed value", [{ temp: "warm", sky: "clear", wind: 1, note: "", at: null }]],
    ["a missing feature", [{ temp: 1, wind: 1, note: "", at: null }]],
    ["an unknown field", [{ temp: 1, sky: "clear", wind: 1, note: "", at: null, gust: 9 }]],
    ["a row that is not an object", [{ temp: 1, sky: "clear", wind: 1, note: "" }, [1, 2]]],
    ["a non-finite number", [{ temp: Number.POSITIVE_INFINITY, sky: null, wind: 1, note: "" }]],
    ["text that is too long", [{ temp: 1, sky: null, wind: 1, note: "x".repeat(5000) }]],
    ["a date that is not a date", [{ temp: 1, sky: null, wind: 1, note: "", at: "soon" }]],
    [
      "an own __proto__ key",
      [JSON.parse('{"temp":1,"sky":null,"wind":1,"note":"","__proto__":1}')],
    ],
  ])("%s is the 422 validate-rows.ts names", async (_, rows) => {
    const error = await caughtAppError(() => readFeatureColumns(rows, mixed));
    const expected = expectedRefusal(rows, mixed);
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.message).toBe(expected.message);
    expect(error.details).toEqual(expected.details);
  });

  test("a bad row after a thousand good ones with the same keys is named with its index", async () => {
    const rows: unknown[] = Array.from({ length: 1000 }, (_, i) => ({
      temp: i,
      sky: "clear",
      wind: 1,
      note: "",
      at: null,
    }));
    rows.push({ temp: 1, sky: "clear", wind: 1, note: "", at: null, extra: true });
    rows.push({ sky: "clear", temp: 1, note: "", wind: "x" });
    const error = await caughtAppError(() => readFeatureColumns(rows, mixed));
    expect((error.details as { fields: unknown[] }).fields).toEqual([
      { row: 1000, field: "extra", problem: "is not a feature of this model" },
      { row: 1001, field: "wind", problem: "must be a number or null, got a string" },
    ]);
  });

  test("rows it refuses are left as they were", async () => {
    const rows = [
      { temp: 1, sky: "clear", wind: 1, note: "  keep  ", at: "1970-01-01T00:00:01Z" },
      { temp: "bad", sky: "clear", wind: 1, note: "", at: null },
    ];
    const copy = structuredClone(rows);
    await caughtAppError(() => readFeatureColumns(rows, mixed));
    expect(rows).toEqual(copy);
  });

  test("on random rows it refuses exactly what validate-rows.ts finds a problem with", () => {
    const random = createRandom(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const good: Record<string, () => unknown> = {
      temp: () => pick([1.5, -3, 0, null]),
      sky: () => pick(["clear", "new", "", null]),
      wind: () => pick([2, null]),
      note: () => pick(["  a note ", 7, false, null, ""]),
      at: () => pick(["2024-05-01", 1_714_571_100, null, undefined]),
    };
    const bad = [
      "text",
      true,
      [1],
      { a: 1 },
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      "x".repeat(4097),
      "not a date",
    ];
    let refused = 0;
    for (let trial = 0; trial < 400; trial++) {
      const rows: unknown[] = Array.from({ length: 1 + Math.floor(random() * 6) }, () => {
        const row: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(good)) {
          const v = value();
          if (v !== undefined) row[name] = v;
        }
        return row;
      });
      // One defect in a third of the trials: a bad value, a missing key, an extra key or a non-row.
      if (random() < 1 / 3) {
        const r = Math.floor(random() * rows.length);
        const row = rows[r] as Record<string, unknown>;
        const defect = pick(["value", "missing", "extra", "not a row"]);
        if (defect === "value") row[pick(Object.keys(good))] = pick(bad);
        else if (defect === "missing") delete row[pick(["temp", "sky", "wind", "note"])];
        else if (defect === "extra") row.gust = 1;
        else rows[r] = pick([null, 3, "row", [row]]);
      }
      const expected = expectedRefusal(structuredClone(rows), mixed);
      const refusedHere = (expected.details as { fields: unknown[] }).fields.length > 0;
      let error: unknown;
      try {
        readFeatureColumns(rows, mixed);
      } catch (caught) {
        error = caught;
      }
      expect(error !== undefined).toBe(refusedHere);
      if (error) {
        refused++;
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).details).toEqual(expected.details);
      }
    }
    // Both branches were exercised.
    expect(refused).toBeGreaterThan(50);
    expect(refused).toBeLessThan(350);
  });
});

describe("concatColumns", () => {
  test("joins requests' columns one after the other, as if their rows had come together", () => {
    const rowsA = [{ temp: 1, sky: "clear", wind: 2, note: "a", at: 1 }];
    const rowsB = [
      { temp: 3, sky: null, wind: 4, note: "b", at: 2 },
      { temp: 5, sky: "cloudy", wind: null, note: "c", at: 3 },
    ];
    const joined = concatColumns([
      readFeatureColumns(structuredClone(rowsA), mixed),
      readFeatureColumns(structuredClone(rowsB), mixed),
      readFeatureColumns(structuredClone(rowsA), mixed),
    ]);
    const together = readFeatureColumns([...rowsA, ...rowsB, ...rowsA], mixed);
    expect(joined.count).toBe(4);
    expect(Array.from(joined.numbers)).toEqual(Array.from(together.numbers));
    expect(joined.strings).toEqual(together.strings);
  });

  test("a single part is returned as it is", () => {
    const part = readFeatureColumns([{ temp: 1, sky: "clear", wind: 2, note: "a" }], mixed);
    expect(concatColumns([part])).toBe(part);
  });
});

describe("sampleColumns", () => {
  test("is one row of zeros and each categorical's first category", () => {
    const sample = sampleColumns(mixed);
    expect(sample.count).toBe(1);
    expect(Array.from(sample.numbers)).toEqual([0, 0, 0]);
    expect(sample.strings).toEqual(["clear", ""]);
  });
});
