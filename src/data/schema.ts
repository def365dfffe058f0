// How a raw cell is read: what counts as missing, when a column is numeric,
// and the string form a categorical value takes. Serving and drift must read
// values the same way training did, so these rules live in one place.

import type { FeatureType } from "./dataset.ts";
import { type DatetimeOptions, type EpochUnit, looksLikeDatetime } from "./datetime.ts";
import type { Cell, RawTable } from "./table.ts";
import { defaultTextOptions, looksLikeText, type TextOptions } from "./text.ts";

// Spellings of "no value" written by pandas, R and spreadsheets. Matched
// case-insensitively after trimming.
const MISSING_TOKENS = new Set(["", "nan", "na", "n/a", "null"]);

export interface ColumnSchema {
  name: string;
  type: FeatureType;
  /** Text columns only: how the n-gram features are made. */
  text?: TextOptions;
  /** Datetime columns only: the parts a model learns from (chosen from the data when unset). */
  datetime?: Partial<DatetimeOptions> & { epoch?: EpochUnit };
}

export function isMissing(cell: Cell | undefined): cell is null | undefined {
  if (cell === null || cell === undefined) return true;
  if (typeof cell === "number") return Number.isNaN(cell);
  return typeof cell === "string" && MISSING_TOKENS.has(cell.trim().toLowerCase());
}

/** The cell as a number: NaN when missing or not a finite number. `Number()`, not parseFloat, so "12abc" is not 12. */
export function toNumber(cell: Cell | undefined): number {
  if (isMissing(cell) || typeof cell === "boolean") return Number.NaN;
  const value = typeof cell === "number" ? cell : Number(cell.trim());
  return Number.isFinite(value) ? value : Number.NaN;
}

/** The cell as a category: null when missing; numbers and booleans as their string form. */
export function toCategory(cell: Cell | undefined): string | null {
  if (isMissing(cell)) return null;
  return typeof cell === "string" ? cell.trim() : String(cell);
}

/** Numeric when every present value is a finite number (or a string that is one); else categorical. */
export function inferType(cells: readonly Cell[], rows?: ArrayLike<number>): FeatureType {
  const count = rows ? rows.length : cells.length;
  for (let i = 0; i < count; i++) {
    const cell = cells[rows ? rows[i]! : i];
    if (!isMissing(cell) && Number.isNaN(toNumber(cell))) return "categorical";
  }
  return "numeric";
}

/** A feature's schema as read from its cells: numeric, dates (datetime.ts), free text (text.ts) or categorical. */
export function inferFeature(
  name: string,
  cells: readonly Cell[],
  rows: ArrayLike<number>,
): ColumnSchema {
  if (inferType(cells, rows) === "numeric") return { name, type: "numeric" };
  if (looksLikeDatetime(cells, rows)) return { name, type: "datetime" };
  if (looksLikeText(cells, rows)) return { name, type: "text", text: defaultTextOptions() };
  return { name, type: "categorical" };
}

/** The inferred schema of every column of a table. */
export function inferSchema(table: RawTable): ColumnSchema[] {
  const rows = Uint32Array.from({ length: table.rows }, (_, i) => i);
  return table.columns.map((name, c) => inferFeature(name, table.cells[c]!, rows));
}
