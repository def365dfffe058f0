import { describe, expect, test } from "bun:test";
import { dataQualityTable, qualityRules, RANGE_MARGIN } from "../../src/drift/data-quality.ts";
import { driftColumns, driftShapes } from "../../src/drift/drift-columns.ts";
import { columnsFromRows } from "../../src/drift/live-columns.ts";
import { buildReferenceProfile } from "../../src/drift/profile.ts";
import { categorical, numeric } from "../training/fixtures.ts";

const features = [
  { name: "temp", type: "numeric" as const },
  { name: "city", type: "categorical" as const },
  { name: "wind", type: "numeric" as const },
];

// Training: temp from 0 to 100, city a or b, wind missing in a quarter of the rows.
const profile = buildReferenceProfile({
  features: driftColumns([
    numeric(
      "temp",
      Array.from({ length: 101 }, (_, i) => i),
    ),
    categorical(
      "city",
      Array.from({ length: 101 }, (_, i) => i % 2),
      ["a", "b"],
    ),
    numeric(
      "wind",
      Array.from({ length: 101 }, (_, i) => (i % 4 === 0 ? Number.NaN : i)),
    ),
  ]),
});

describe("rules from the training data", () => {
  test("a numeric range widened by the margin, the categories seen, the missing rate", () => {
    const [temp, city, wind] = qualityRules(profile, features);
    expect(temp!.range).toEqual({ low: -100 * RANGE_MARGIN, high: 100 + 100 * RANGE_MARGIN });
    expect(temp!.missingRate).toBe(0);
    expect([...city!.categories!].sort()).toEqual(["a", "b"]);
    expect(wind!.missingRate).toBeCloseTo(26 / 101, 12);
  });

  test("a datetime feature gets its missing rate from its calendar parts", () => {
    const dated = buildReferenceProfile({
      features: driftColumns([
        {
          name: "day",
          type: "datetime",
          values: Float64Array.of(0, 86_400, Number.NaN, 3 * 86_400),
          options: { parts: ["month", "day_of_week"] },
        },
      ]),
    });
    const [rule] = qualityRules(dated, [{ name: "day", type: "datetime" }]);
    expect(rule).toMatchObject({ feature: "day", type: "datetime", missingRate: 0.25 });
  });
});

test("the window's table: missing rates, share out of range, unseen categories by count", () => {
  const rows = [
    { temp: 50, city: "a", wind: 3 },
    { temp: 200, city: "c", wind: null },
    { temp: -50, city: "c", wind: null },
    { temp: null, city: "d", wind: 4 },
    { temp: 109, city: "b", wind: 5 },
  ];
  const columns = columnsFromRows(rows, driftShapes(features));
  const [temp, city, wind] = dataQualityTable(qualityRules(profile, features), columns);
  expect(temp).toMatchObject({ current_missing_rate: 0.2, reference_missing_rate: 0 });
  expect(temp!.out_of_range_share).toBe(0.5);
  expect(city!.unseen_share).toBe(0.6);
  expect(city!.unseen_categories).toEqual([
    { value: "c", count: 2 },
    { value: "d", count: 1 },
  ]);
  expect(wind!.current_missing_rate).toBe(0.4);
});
