// findProblems names every bad field of every row at once, and takes null as a
// missing value; invalidRows turns them into the 422 a client reads.

import { describe, expect, test } from "bun:test";
import { MAX_TEXT_CHARS } from "../../src/data/text.ts";
import type { FeatureSignature } from "../../src/registry/model-format.ts";
import { type FieldProblem, findProblems, invalidRows } from "../../src/serving/validate-rows.ts";

const features: FeatureSignature[] = [
  { name: "temp_max", type: "numeric" },
  { name: "temp_min", type: "numeric" },
  { name: "weather", type: "categorical", vocabulary: ["rain", "sun"] },
];

const problemsOf = (
  rows: unknown[],
  of: FeatureSignature[] = features,
  ignored: string[] = [],
): FieldProblem[] => findProblems(rows, of, new Set([...of.map((f) => f.name), ...ignored]));

const refusalOf = (rows: unknown[], of: FeatureSignature[] = features) => {
  const error = invalidRows(problemsOf(rows, of));
  expect(error.code).toBe("INVALID_INPUT");
  return { message: error.message, fields: (error.details as { fields: FieldProblem[] }).fields };
};

describe("findProblems", () => {
  test("finds nothing wrong with well-typed rows, and leaves them as they are", () => {
    const rows = [{ temp_max: 12.5, temp_min: 3, weather: "rain" }];
    expect(problemsOf(rows)).toEqual([]);
    expect(rows).toEqual([{ temp_max: 12.5, temp_min: 3, weather: "rain" }]);
  });

  test("accepts null as a missing value of any feature", () => {
    expect(problemsOf([{ temp_max: null, temp_min: 3, weather: null }])).toEqual([]);
  });

  test("accepts a category the model never saw", () => {
    expect(problemsOf([{ temp_max: 1, temp_min: 0, weather: "hail" }])).toEqual([]);
  });

  test("names every missing, extra, wrongly typed and non-finite field", () => {
    const { fields, message } = refusalOf([{ temp_max: "warm", weather: 3, humidity: 0.4 }]);
    expect(fields).toEqual([
      { field: "temp_max", problem: "must be a number or null, got a string" },
      { field: "temp_min", problem: "is missing" },
      { field: "weather", problem: "must be a string or null, got a number" },
      { field: "humidity", problem: "is not a feature of this model" },
    ]);
    expect(message).toContain('feature "temp_min" is missing');
    expect(message).toContain('feature "humidity" is not a feature of this model');
  });

  test.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "refuses the non-finite number %p",
    (value) => {
      const { fields } = refusalOf([{ temp_max: value, temp_min: 0, weather: "sun" }]);
      expect(fields).toEqual([{ field: "temp_max", problem: "must be a finite number" }]);
    },
  );

  test("names booleans, arrays and objects by their type", () => {
    const { fields } = refusalOf([{ temp_max: true, temp_min: [1], weather: { a: 1 } }]);
    expect(fields.map((f) => f.problem)).toEqual([
      "must be a number or null, got a boolean",
      "must be a number or null, got an array",
      "must be a string or null, got an object",
    ]);
  });

  test("in a batch, each problem carries its row index", () => {
    const { fields, message } = refusalOf([
      { temp_max: 1, temp_min: 0, weather: "sun" },
      { temp_max: 1, weather: "sun" },
      "not a row",
    ]);
    expect(fields).toEqual([
      { row: 1, field: "temp_min", problem: "is missing" },
      { row: 2, field: "", problem: "must be an object of feature values" },
    ]);
    expect(message).toContain('row 1: feature "temp_min" is missing');
  });

  test("reports at most 50 fields but says how many more there were in the message", () => {
    const rows = Array.from({ length: 30 }, () => ({ weather: "sun" }));
    const { fields, message } = refusalOf(rows);
    expect(fields).toHaveLength(50);
    expect(message).toContain("(and 55 more)");
  });
});

describe("a text feature", () => {
  const text: FeatureSignature[] = [{ name: "password", type: "text" }];

  test("takes strings, numbers, booleans and null", () => {
    const rows = [
      { password: "  hunter2 " },
      { password: 12345 },
      { password: true },
      { password: null },
    ];
    expect(problemsOf(rows, text)).toEqual([]);
  });

  test(`refuses text over ${MAX_TEXT_CHARS} characters and non-scalar values, naming the limit`, () => {
    const { message } = refusalOf(
      [{ password: "x".repeat(MAX_TEXT_CHARS + 1) }, { password: ["a"] }],
      text,
    );
    expect(message).toContain(`text is limited to ${MAX_TEXT_CHARS}`);
    expect(message).toContain("must be a string, a number or null, got an array");
  });
});

describe("dates and the fields a model ignores", () => {
  const dated: FeatureSignature[] = [
    { name: "x", type: "numeric" },
    { name: "pickup", type: "datetime", datetime: { parts: ["month", "hour"] } },
  ];

  test("a datetime takes a date string or seconds since the epoch, and may be null or left out", () => {
    const rows = [
      { x: 1, pickup: "2024-05-01T13:45:00Z" },
      { x: 2, pickup: 1_714_571_100 },
      { x: 3, pickup: null },
      { x: 4 },
    ];
    expect(problemsOf(rows, dated)).toEqual([]);
  });

  test("a datetime that is not a date is a 422 naming it", () => {
    const { message } = refusalOf([{ x: 1, pickup: "tomorrow" }], dated);
    expect(message).toContain(
      'feature "pickup" must be a date like 2024-05-01 or 2024-05-01T13:45:00Z, got "tomorrow"',
    );
  });

  test("the time column and set-aside columns may be sent; other unknown fields are still refused", () => {
    const rows = [{ temp_max: 1, temp_min: 0, weather: "sun", date: "2024-05-01", pixel_0_0: 0 }];
    expect(problemsOf(rows, features, ["date", "pixel_0_0"])).toEqual([]);
    const typo = problemsOf([{ ...rows[0], typo: 1 }], features, ["date", "pixel_0_0"]);
    expect(invalidRows(typo).message).toContain('feature "typo" is not a feature of this model');
  });
});
