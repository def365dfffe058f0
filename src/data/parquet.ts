// Parquet bytes → a RawTable, decoded by hyparquet (pure JS, so it runs in the
// single binary). Parquet columns are typed: this file decides which cell each
// type becomes, and refuses what a flat table of cells cannot hold, naming the
// column. The bytes are already in memory, read and capped by source.ts.

import {
  type DecodedArray,
  type FileMetaData,
  type ParquetParsers,
  parquetMetadata,
  parquetScan,
  parquetSchema,
  type SchemaTree,
} from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { AppError, errorMessage, invalidData } from "../errors.ts";
import { checkPageHeaders } from "./parquet-pages.ts";
import { startsWithParquetMagic } from "./source.ts";
import type { Cell, RawTable } from "./table.ts";

/**
 * Decodes a whole parquet file. `maxBytes` is the cap its bytes were held to;
 * the decoded data is held to it too (see checkDecodedSize).
 */
export async function parseParquet(
  bytes: Uint8Array,
  source: string,
  maxBytes: number,
): Promise<RawTable> {
  const file = exactBuffer(bytes);
  const metadata = readFooter(file, source);
  const columns = flatColumns(metadata, source);
  const rows = Number(metadata.num_rows);
  checkDecodedSize(metadata, rows * columns.length, source, maxBytes);
  try {
    checkPageHeaders(file, metadata);
  } catch (error) {
    throw unreadable(source, error);
  }
  if (rows === 0) throw invalidData(`Dataset ${source} is empty: it has no rows`);
  try {
    const cells = await readCells(file, metadata, columns, source);
    return { columns, rows, cells };
  } catch (error) {
    throw error instanceof AppError ? error : unreadable(source, error);
  }
}

/**
 * Reads one column of one row group at a time, each read awaited before the
 * next starts. parquetRead starts every column at once, and when one fails
 * early the others' rejections go unhandled, which ends a Bun process.
 */
async function readCells(
  file: ArrayBuffer,
  metadata: FileMetaData,
  columns: string[],
  source: string,
): Promise<Cell[][]> {
  const rows = Number(metadata.num_rows);
  const cells = columns.map(() => new Array<Cell>(rows).fill(null));
  const scan = await parquetScan({
    file,
    metadata,
    compressors,
    parsers: TIME_PARSERS,
    useOffsetIndex: false,
  });
  for (const { rowStart, rowEnd } of scan.ranges) {
    for (const [c, column] of columns.entries()) {
      const values = await scan.readColumn({ column, rowStart, rowEnd });
      placeValues(values, rowStart, cells[c]!, column, source);
    }
  }
  return cells;
}

/** hyparquet wants an ArrayBuffer holding exactly the file, not a view into a larger one. */
function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer;
}

function readFooter(file: ArrayBuffer, source: string): FileMetaData {
  if (!startsWithParquetMagic(new Uint8Array(file))) {
    throw invalidData(`Parquet ${source} cannot be read: it does not start with "PAR1"`);
  }
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(file);
  } catch (error) {
    throw unreadable(source, error);
  }
  // The row count sizes every column array: it must be what the row groups hold.
  const inGroups = metadata.row_groups.reduce((sum, group) => sum + Number(group.num_rows), 0);
  const rows = Number(metadata.num_rows);
  if (!Number.isSafeInteger(rows) || rows < 0 || rows !== inGroups) {
    throw invalidData(
      `Parquet ${source} cannot be read (corrupt or truncated?): the footer counts ${metadata.num_rows} rows but its row groups hold ${inGroups}`,
    );
  }
  return metadata;
}

const unreadable = (source: string, error: unknown) =>
  invalidData(`Parquet ${source} cannot be read (corrupt or truncated?): ${errorMessage(error)}`);

// Types hyparquet cannot turn into values at all; refused up front so the
// message can name the column.
const UNSUPPORTED_TYPES = new Set(["BSON", "INTERVAL"]);

/**
 * The top-level column names, when every one is flat. Nested columns (list,
 * map, struct) are refused rather than skipped, as JSON lines refuses nested
 * values: a column that silently vanished would change what the model sees.
 */
function flatColumns(metadata: FileMetaData, source: string): string[] {
  let fields: SchemaTree[];
  try {
    fields = parquetSchema(metadata).children;
  } catch (error) {
    throw unreadable(source, error);
  }
  const nested = fields.filter(isNested).map((f) => `"${f.element.name}"`);
  if (nested.length > 0) {
    const [which, is, it] =
      nested.length === 1 ? ["column", "is", "it"] : ["columns", "are", "them"];
    throw invalidData(
      `Parquet ${source}: ${which} ${nested.join(", ")} ${is} nested (a list, map or struct); keel reads flat columns of strings, numbers, booleans, dates and timestamps. Flatten ${it} or leave ${it} out of the file`,
    );
  }
  const seen = new Set<string>();
  for (const { element } of fields) {
    const type = element.converted_type ?? "";
    if (UNSUPPORTED_TYPES.has(type)) {
      throw invalidData(
        `Parquet ${source}: column "${element.name}" has type ${type}, which keel cannot read`,
      );
    }
    if (seen.has(element.name)) {
      throw invalidData(`Parquet ${source}: column "${element.name}" appears twice`);
    }
    seen.add(element.name);
  }
  return fields.map((f) => f.element.name);
}

const isNested = (field: SchemaTree) =>
  field.children.length > 0 || field.element.repetition_type === "REPEATED";

/**
 * A few kilobytes of parquet can describe a billion rows (run-length encoding)
 * or gigabytes of text (compression). So the decoded data meets the same cap as
 * the file: no more column bytes, and no more cells, than a CSV of `maxBytes`
 * could hold (a CSV cell takes at least two bytes: a value and a separator).
 */
function checkDecodedSize(
  metadata: FileMetaData,
  cellCount: number,
  source: string,
  maxBytes: number,
): void {
  let decodedBytes = 0;
  for (const group of metadata.row_groups) {
    for (const column of group.columns) {
      decodedBytes += Number(column.meta_data?.total_uncompressed_size ?? 0);
    }
  }
  const tooLarge = (what: string) =>
    new AppError(
      "DATA_UNAVAILABLE",
      `Parquet ${source} holds ${what}, more than a data source may hold under the limit of ${maxBytes} bytes`,
    );
  if (decodedBytes > maxBytes)
    throw tooLarge(`${decodedBytes} bytes of column data once decompressed`);
  if (cellCount > maxBytes / 2) throw tooLarge(`${cellCount} cells`);
}

function placeValues(
  values: DecodedArray,
  rowStart: number,
  cells: Cell[],
  column: string,
  source: string,
): void {
  for (let i = 0; i < values.length; i++) cells[rowStart + i] = toCell(values[i], column, source);
}

/** One decoded parquet value as a keel cell; see data/README.md for the mapping. */
function toCell(value: unknown, column: string, source: string): Cell {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string": {
      // The same treatment CSV and JSON lines cells get: trimmed, empty is missing.
      const text = value.trim();
      return text === "" ? null : text;
    }
    case "number":
      // pandas writes a missing float as NaN.
      return Number.isNaN(value) ? null : value;
    case "boolean":
      return value;
    case "bigint":
      return exactInteger(value);
  }
  if (value instanceof OutOfRangeTime) {
    throw invalidData(
      `Parquet ${source}: column "${column}" holds ${value.description}, outside the years -271821 to 275760 that keel can write as a date`,
    );
  }
  const kind = value instanceof Uint8Array ? "raw binary values" : "nested values";
  throw invalidData(
    `Parquet ${source}: column "${column}" holds ${kind}; keel reads strings, numbers, booleans, dates and timestamps`,
  );
}

/**
 * INT64 values arrive as BigInt. Within ±2^53 a number holds them exactly;
 * beyond, they become their exact decimal digits (such values are ids and hashes
 * far more often than quantities), which read as categories exactly and as
 * numbers exactly as the same digits in a CSV file would.
 */
function exactInteger(value: bigint): number | string {
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : value.toString();
}

/** A date or timestamp beyond what an ISO string of a JS Date can show. */
class OutOfRangeTime {
  constructor(readonly description: string) {}
}

const MS_PER_DAY = 86_400_000;
// The range of a JS Date, ±10^8 days around 1970.
const MAX_MS = 8.64e15;

/**
 * Dates become `YYYY-MM-DD` and timestamps `YYYY-MM-DDTHH:MM:SS.sssZ`, the
 * strings CSV data carries. Finer units are floored to the millisecond (floor,
 * so a moment before 1970 does not round up into the next millisecond).
 * Timestamps not adjusted to UTC are wall-clock times: their digits are kept
 * and written with `Z`, so reading them never depends on the server's zone.
 */
const TIME_PARSERS: Partial<ParquetParsers> = {
  dateFromDays: (days: number) => {
    const ms = days * MS_PER_DAY;
    if (!(Math.abs(ms) <= MAX_MS)) return new OutOfRangeTime(`the date ${days} days from 1970`);
    return new Date(ms).toISOString().slice(0, -"T00:00:00.000Z".length);
  },
  timestampFromMilliseconds: (ms: bigint) => isoTimestamp(ms, 1n, "ms"),
  timestampFromMicroseconds: (us: bigint) => isoTimestamp(us, 1_000n, "µs"),
  timestampFromNanoseconds: (ns: bigint) => isoTimestamp(ns, 1_000_000n, "ns"),
};

function isoTimestamp(
  count: bigint,
  perMillisecond: bigint,
  unit: string,
): string | OutOfRangeTime {
  let ms = count / perMillisecond;
  if (count % perMillisecond < 0n) ms -= 1n;
  if (ms > BigInt(MAX_MS) || ms < -BigInt(MAX_MS)) {
    return new OutOfRangeTime(`the timestamp ${count} ${unit} from 1970`);
  }
  return new Date(Number(ms)).toISOString();
}
