// Dates and times: which cells read as one, the instant they name, and the
// calendar parts a model learns from. Training, serving, drift and the ONNX
// graph (training/export-datetime.ts) all go through these rules:
//   - accepted: `YYYY-MM-DD` or `YYYY/MM/DD`, optionally followed by a time
//     (`T` or a space, `HH:MM`, `HH:MM:SS`, fractions of a second) and a zone
//     (`Z`, `±HH:MM`, `±HHMM`); numbers only when the spec says they are
//     seconds or milliseconds since the epoch;
//   - an instant is a count of seconds since 1970-01-01T00:00:00Z; a time
//     without a zone is read as written (its wall clock), as pandas reads a
//     naive timestamp;
//   - parts are computed from whole days with integer arithmetic on doubles
//     (exact below 2^53), so the graph reproduces them to the bit.

import type { Cell } from "./table.ts";

export type DatetimePart = "year" | "month" | "day_of_week" | "day_of_year" | "hour";

/** The parts a date gives; `hour` is added when some value has a time of day. */
export const DATE_PARTS: readonly DatetimePart[] = ["year", "month", "day_of_week", "day_of_year"];
/**
 * The parts drift compares: the cycles traffic repeats. The year (and the day
 * of the year within it) moves on with the calendar, so live traffic would
 * always differ from last year's training data there: that is time passing,
 * not drift.
 */
export const DRIFT_PARTS: readonly DatetimePart[] = ["month", "day_of_week", "hour"];

/** How numbers in a datetime column are read, when the spec says they are epochs. */
export type EpochUnit = "s" | "ms";

export interface DatetimeOptions {
  /** The derived features the model learns from, in this order. */
  parts: DatetimePart[];
  epoch?: EpochUnit;
}

const PATTERN =
  /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const DAY_SECONDS = 86_400;

/** Seconds since the epoch (UTC), or NaN when the cell is missing or not a date this module reads. */
export function parseDatetime(cell: Cell | undefined, epoch?: EpochUnit): number {
  if (cell === null || cell === undefined || typeof cell === "boolean") return Number.NaN;
  if (epoch) return epochSeconds(cell, epoch);
  if (typeof cell !== "string") return Number.NaN;
  const match = PATTERN.exec(cell.trim());
  if (!match) return Number.NaN;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 60) return Number.NaN;
  const offset = zoneSeconds(zone);
  if (Number.isNaN(offset)) return Number.NaN;
  const days = daysFromCivil(year, month, day);
  const fractionSeconds = fraction ? Number(`0.${fraction}`) : 0;
  return days * DAY_SECONDS + hour * 3600 + minute * 60 + second + fractionSeconds - offset;
}

function epochSeconds(cell: string | number, unit: EpochUnit): number {
  const value = typeof cell === "number" ? cell : cell.trim() === "" ? Number.NaN : Number(cell);
  if (!Number.isFinite(value)) return Number.NaN;
  return unit === "ms" ? value / 1000 : value;
}

function zoneSeconds(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === "Z") return 0;
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return Number.NaN;
  return sign * (hours * 3600 + minutes * 60);
}

/** At least this many values before a column can be judged a date column. */
const MIN_DATE_VALUES = 5;

/** Every present value is a date string this module reads (numbers never are, without a spec). */
export function looksLikeDatetime(cells: readonly Cell[], rows: ArrayLike<number>): boolean {
  let present = 0;
  for (let i = 0; i < rows.length; i++) {
    const cell = cells[rows[i]!];
    if (cell === null || cell === undefined || (typeof cell === "string" && cell.trim() === "")) {
      continue;
    }
    if (typeof cell !== "string" || Number.isNaN(parseDatetime(cell))) return false;
    present++;
  }
  return present >= MIN_DATE_VALUES;
}

/** The parts worth learning from these instants: the date's, and the hour when times vary. */
export function datetimeOptionsFor(seconds: Float64Array, epoch?: EpochUnit): DatetimeOptions {
  const hasTime = seconds.some(
    (s) => !Number.isNaN(s) && s - Math.floor(s / DAY_SECONDS) * DAY_SECONDS !== 0,
  );
  const parts = hasTime ? [...DATE_PARTS, "hour" as const] : [...DATE_PARTS];
  return epoch ? { parts, epoch } : { parts };
}

/** The name of the numeric column a part becomes. */
export const partName = (feature: string, part: DatetimePart) => `${feature}.${part}`;

/** A part of the instant `seconds` (NaN stays NaN): day_of_week 0 = Monday, as pandas. */
export function datetimePart(seconds: number, part: DatetimePart): number {
  if (Number.isNaN(seconds)) return Number.NaN;
  const days = Math.floor(seconds / DAY_SECONDS);
  if (part === "hour") return Math.floor((seconds - days * DAY_SECONDS) / 3600);
  if (part === "day_of_week") return mod(days + 3, 7);
  const { year, month } = civilFromDays(days);
  if (part === "year") return year;
  if (part === "month") return month;
  return days - daysFromCivil(year, 1, 1) + 1;
}

const mod = (a: number, b: number) => a - b * Math.floor(a / b);

/**
 * Year, month and day of a count of days since 1970-01-01 (Howard Hinnant's
 * civil_from_days, in floors so that doubles give the same integers the graph
 * computes).
 */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Days since 1970-01-01 of a calendar date (Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** An instant as ISO-8601 text (UTC), for messages and the drift report. */
export const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString();
