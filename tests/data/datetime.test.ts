// Dates and times: the formats read, the instant they name (a time without a
// zone as written), epochs only when asked, and calendar parts that agree with
// JavaScript's own calendar over five centuries.

import { describe, expect, test } from "bun:test";
import {
  datetimeOptionsFor,
  datetimePart,
  looksLikeDatetime,
  parseDatetime,
} from "../../src/data/datetime.ts";

const utc = (text: string) => Date.parse(text) / 1000;

describe("parseDatetime", () => {
  test.each([
    ["2012-01-01", utc("2012-01-01T00:00:00Z")],
    ["2012/01/01", utc("2012-01-01T00:00:00Z")],
    ["2012-01-01T13:45", utc("2012-01-01T13:45:00Z")],
    ["2012-01-01 13:45:07", utc("2012-01-01T13:45:07Z")],
    ["2012-01-01T13:45:07.250Z", utc("2012-01-01T13:45:07.250Z")],
    ["2012-01-01T13:45:07+02:00", utc("2012-01-01T11:45:07Z")],
    ["2012-01-01T13:45:07-0530", utc("2012-01-01T19:15:07Z")],
    ["2024-02-29", utc("2024-02-29T00:00:00Z")],
    ["1900-03-01T00:00:00Z", utc("1900-03-01T00:00:00Z")],
    ["  2012-01-01  ", utc("2012-01-01T00:00:00Z")],
  ])("reads %p", (text, seconds) => {
    expect(parseDatetime(text)).toBe(seconds);
  });

  test.each([
    "2023-02-29",
    "2012-13-01",
    "2012-00-10",
    "2012-01-32",
    "12-01-01",
    "2012-1-1",
    "2012-01-01T25:00",
    "yesterday",
    "20120101",
    "",
  ])("refuses %p", (text) => {
    expect(parseDatetime(text)).toBeNaN();
  });

  test("reads numbers only as the epoch the spec names", () => {
    expect(parseDatetime(1_700_000_000)).toBeNaN();
    expect(parseDatetime(1_700_000_000, "s")).toBe(1_700_000_000);
    expect(parseDatetime("1700000000500", "ms")).toBe(1_700_000_000.5);
    expect(parseDatetime("soon", "s")).toBeNaN();
    expect(parseDatetime(null, "s")).toBeNaN();
  });
});

describe("calendar parts", () => {
  test("agree with JavaScript's calendar for a million instants from 1600 to 2300", () => {
    let seed = 12_345;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let i = 0; i < 1_000_000; i++) {
      const seconds = Math.floor(-11_676_096_000 + random() * 22_085_942_400);
      const d = new Date(seconds * 1000);
      const jan1 = Date.UTC(d.getUTCFullYear(), 0, 1);
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      const expected = {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day_of_week: (d.getUTCDay() + 6) % 7,
        day_of_year: (day - jan1) / 86_400_000 + 1,
        hour: d.getUTCHours(),
      };
      for (const [part, value] of Object.entries(expected)) {
        if (datetimePart(seconds, part as keyof typeof expected) !== value) {
          throw new Error(
            `${part} of ${d.toISOString()}: ${datetimePart(seconds, part as never)} ≠ ${value}`,
          );
        }
      }
    }
  });

  test("Monday is day 0, as in pandas; a missing instant has missing parts", () => {
    expect(datetimePart(utc("2024-05-06T00:00:00Z"), "day_of_week")).toBe(0);
    expect(datetimePart(utc("2024-05-12T23:59:59Z"), "day_of_week")).toBe(6);
    expect(datetimePart(Number.NaN, "month")).toBeNaN();
  });

  test("a column of dates gives the date's parts; times of day add the hour", () => {
    const dates = Float64Array.from(["2012-01-01", "2012-06-30"], (d) => parseDatetime(d));
    expect(datetimeOptionsFor(dates).parts).toEqual([
      "year",
      "month",
      "day_of_week",
      "day_of_year",
    ]);
    const times = Float64Array.from(["2012-01-01", "2012-06-30T08:00"], (d) => parseDatetime(d));
    expect(datetimeOptionsFor(times).parts).toContain("hour");
  });
});

describe("looksLikeDatetime", () => {
  const all = (cells: (string | number | null)[]) => Uint32Array.from(cells, (_, i) => i);

  test("needs every present value to be a date, and a few of them", () => {
    const dates = ["2012-01-01", "2012-01-02", null, "2012-01-03", "2012-01-04", "2012-01-05"];
    expect(looksLikeDatetime(dates, all(dates))).toBe(true);
    const mixed = [...dates, "n/a later"];
    expect(looksLikeDatetime(mixed, all(mixed))).toBe(false);
    const few = ["2012-01-01", "2012-01-02"];
    expect(looksLikeDatetime(few, all(few))).toBe(false);
    const numbers = [1, 2, 3, 4, 5, 6];
    expect(looksLikeDatetime(numbers, all(numbers))).toBe(false);
  });
});
