// Turns captured rows (JSON objects as clients sent them) into the typed
// columns the drift statistics read, with the reference's feature types and the
// same reading rules training used (schema.ts). Unlike training, a constant or
// empty column is fine here: it is evidence, not an error.

import type {
  CategoricalColumn,
  FeatureColumn,
  NumericColumn,
  TextColumn,
} from "../data/dataset.ts";
import {
  type DatetimePart,
  datetimePart,
  type EpochUnit,
  parseDatetime,
} from "../data/datetime.ts";
import { toCategory, toNumber } from "../data/schema.ts";
import type { Cell } from "../data/table.ts";
import { defaultTextOptions, type TextAnalyzer, toText } from "../data/text.ts";

export interface ColumnShape {
  name: string;
  type: "numeric" | "categorical" | "text";
  /** Text columns: how the drift tests split them into tokens. */
  analyzer?: TextAnalyzer;
  /** A calendar part of the datetime field `from`, counted as a category (drift-columns.ts). */
  part?: { from: string; part: DatetimePart; epoch?: EpochUnit };
}

export function numericColumn(name: string, cells: readonly unknown[]): NumericColumn {
  return { name, type: "numeric", values: Float64Array.from(cells, (c) => toNumber(asCell(c))) };
}

export function categoricalColumn(name: string, cells: readonly unknown[]): CategoricalColumn {
  const labels = cells.map((c) => toCategory(asCell(c)));
  const index = new Map<string, number>();
  for (const label of labels) if (label !== null && !index.has(label)) index.set(label, 0);
  const vocabulary = [...index.keys()].sort();
  vocabulary.forEach((label, i) => {
    index.set(label, i);
  });
  const codes = Int32Array.from(labels, (label) => (label === null ? -1 : index.get(label)!));
  return { name, type: "categorical", vocabulary, codes };
}

export function textColumn(
  name: string,
  cells: readonly unknown[],
  analyzer: TextAnalyzer = "char",
): TextColumn {
  const values = cells.map((c) => toText(asCell(c)));
  return { name, type: "text", values, options: defaultTextOptions(analyzer) };
}

export function columnOf(shape: ColumnShape, cells: readonly unknown[]): FeatureColumn {
  if (shape.part) {
    const { part, epoch } = shape.part;
    return categoricalColumn(
      shape.name,
      cells.map((c) => {
        // /predict takes a datetime as a date string or as seconds since the epoch.
        const seconds = typeof c === "number" && !epoch ? c : parseDatetime(asCell(c), epoch);
        const value = datetimePart(seconds, part);
        return Number.isNaN(value) ? null : String(value);
      }),
    );
  }
  if (shape.type === "numeric") return numericColumn(shape.name, cells);
  if (shape.type === "text") return textColumn(shape.name, cells, shape.analyzer);
  return categoricalColumn(shape.name, cells);
}

/** Columns for `shapes` from row objects; a field a row lacks reads as missing. */
export function columnsFromRows(
  rows: readonly Record<string, unknown>[],
  shapes: readonly ColumnShape[],
): FeatureColumn[] {
  return shapes.map((shape) =>
    columnOf(
      shape,
      rows.map((row) => row[shape.part?.from ?? shape.name]),
    ),
  );
}

function asCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") {
    return value;
  }
  return JSON.stringify(value);
}
