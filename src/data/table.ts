// Bytes → a raw column-major table of untyped cells. No typing decisions are
// made here (that is schema.ts); this file knows CSV and JSON lines, and hands
// parquet, a binary format with types of its own, to parquet.ts.

import { parse } from "csv-parse/sync";
import { errorMessage, invalidData } from "../errors.ts";
import { parseParquet } from "./parquet.ts";
import { type DataFormat, DEFAULT_MAX_BYTES } from "./source.ts";

export type Cell = string | number | boolean | null;

export interface RawTable {
  columns: string[];
  rows: number;
  /** One array per column, each `rows` long; null marks a missing cell. */
  cells: Cell[][];
}

/** The formats that are text, parsed synchronously by parseTable. */
export type TextFormat = Exclude<DataFormat, "parquet">;

/**
 * Any supported format to a table. `maxBytes` is the cap the bytes were read
 * under; parquet holds its decoded data to it as well.
 */
export async function decodeTable(
  bytes: Uint8Array,
  format: DataFormat,
  source = "data",
  maxBytes = DEFAULT_MAX_BYTES,
): Promise<RawTable> {
  if (format === "parquet") return parseParquet(bytes, source, maxBytes);
  return parseTable(bytes, format, source);
}

/**
 * Parses CSV (header row) or JSON lines (one object per line; a JSON array of
 * objects is accepted too). `source` only names the data in error messages.
 */
export function parseTable(bytes: Uint8Array, format: TextFormat, source = "data"): RawTable {
  const text = decodeUtf8(bytes, source);
  const table = format === "csv" ? parseCsv(text, source) : parseJsonRecords(text, source);
  if (table.rows === 0) throw invalidData(`Dataset ${source} is empty: it has no rows`);
  return table;
}

function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    // The decoder drops a leading BOM.
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalidData(`Dataset ${source} is not UTF-8 text`);
  }
}

function parseCsv(text: string, source: string): RawTable {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // Ragged rows are let through so the error below can say which line and why.
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      relax_column_count: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    throw invalidData(`CSV ${source} cannot be parsed: ${errorMessage(error)}`);
  }
  const [header, ...body] = records;
  if (!header) throw invalidData(`Dataset ${source} is empty: it has no header and no rows`);
  const columns = checkHeader(header.record, source);
  const cells: Cell[][] = columns.map(() => new Array<Cell>(body.length));
  body.forEach(({ record, info }, row) => {
    if (record.length !== columns.length) {
      throw invalidData(
        `CSV ${source}, line ${info.lines}: the row has ${record.length} fields but the header has ${columns.length}`,
      );
    }
    for (let c = 0; c < columns.length; c++) {
      const value = record[c]!;
      cells[c]![row] = value === "" ? null : value;
    }
  });
  return { columns, rows: body.length, cells };
}

function checkHeader(header: string[], source: string): string[] {
  const seen = new Set<string>();
  header.forEach((name, index) => {
    if (name === "")
      throw invalidData(`CSV ${source}: column ${index + 1} of the header has no name`);
    if (seen.has(name))
      throw invalidData(`CSV ${source}: column "${name}" appears twice in the header`);
    seen.add(name);
  });
  return header;
}

function parseJsonRecords(text: string, source: string): RawTable {
  const builder = createColumnBuilder(source);
  if (text.trimStart().startsWith("[")) {
    parseJsonArray(text, source).forEach((record, index) => {
      builder.add(record, `record ${index + 1}`);
    });
    return builder.finish();
  }
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    const where = `line ${index + 1}`;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw invalidData(`JSON lines ${source}, ${where}: not valid JSON (${errorMessage(error)})`);
    }
    builder.add(record, where);
  });
  return builder.finish();
}

function parseJsonArray(text: string, source: string): unknown[] {
  try {
    return JSON.parse(text) as unknown[];
  } catch (error) {
    throw invalidData(`JSON ${source} is not valid JSON: ${errorMessage(error)}`);
  }
}

/** Collects records into columns; a key first seen late gets nulls for earlier rows. */
function createColumnBuilder(source: string) {
  const index = new Map<string, number>();
  const columns: string[] = [];
  const cells: Cell[][] = [];
  let rows = 0;
  const add = (record: unknown, where: string) => {
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      throw invalidData(
        `JSON lines ${source}, ${where}: expected an object like {"column": value}`,
      );
    }
    for (const [key, value] of Object.entries(record)) {
      if (value !== null && typeof value === "object") {
        throw invalidData(
          `JSON lines ${source}, ${where}: field "${key}" is a nested ${Array.isArray(value) ? "array" : "object"}; only strings, numbers, booleans and null are supported`,
        );
      }
      if (!index.has(key)) {
        index.set(key, columns.length);
        columns.push(key);
        cells.push(new Array<Cell>(rows).fill(null));
      }
    }
    const values = record as Record<string, Cell | undefined>;
    for (let c = 0; c < columns.length; c++) {
      cells[c]!.push(normalize(values[columns[c]!]));
    }
    rows++;
  };
  return { add, finish: (): RawTable => ({ columns, rows, cells }) };
}

// Same treatment as CSV cells: surrounding spaces dropped, empty means missing.
function normalize(value: Cell | undefined): Cell {
  if (value === undefined) return null;
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}
