// Parquet through decodeTable: files written at test time by real writers,
// read into keel's cells, and corrupt files refused with a clear error.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parquetMetadata } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { decodeTable, type RawTable } from "../../src/data/table.ts";
import {
  type ParquetCompression,
  type ParquetSchemaDefinition,
  type WriteOptions,
  writeParquet,
} from "../helpers/parquet.ts";
import { useTempDirs } from "../helpers/temp-dir.ts";
import { expectAppError } from "./helpers.ts";

const tempDir = useTempDirs("keel-parquet-");

/** Writes rows with @dsnp/parquetjs and returns the file's bytes. */
async function parquetBytes(
  schema: ParquetSchemaDefinition,
  rows: Record<string, unknown>[],
  options: WriteOptions = {},
): Promise<Uint8Array> {
  const path = await writeParquet(join(tempDir(), "data.parquet"), schema, rows, options);
  return new Uint8Array(readFileSync(path));
}

const read = (bytes: Uint8Array, maxBytes?: number) =>
  decodeTable(bytes, "parquet", "test.parquet", maxBytes);

const column = (table: RawTable, name: string) => table.cells[table.columns.indexOf(name)];

const EVERY_TYPE: ParquetSchemaDefinition = {
  name: { type: "UTF8", optional: true },
  count: { type: "INT32", optional: true },
  id: { type: "INT64" },
  ratio: { type: "DOUBLE", optional: true },
  share: { type: "FLOAT" },
  flag: { type: "BOOLEAN", optional: true },
  day: { type: "DATE" },
  at: { type: "TIMESTAMP_MILLIS", optional: true },
  at_us: { type: "TIMESTAMP_MICROS" },
  price: { type: "DECIMAL", precision: 9, scale: 2, optional: true },
};

const EVERY_TYPE_ROWS = [
  {
    name: " north ",
    count: 3,
    id: 9_007_199_254_740_991n,
    ratio: 0.25,
    share: 1.5,
    flag: true,
    day: new Date("2024-02-29T00:00:00Z"),
    at: new Date("2024-03-01T12:34:56.789Z"),
    at_us: 1_709_296_496_789_123n,
    price: 12.34,
  },
  {
    name: "",
    count: null,
    id: 9_007_199_254_740_993n,
    ratio: Number.NaN,
    share: -2,
    flag: false,
    day: new Date("1969-12-31T00:00:00Z"),
    at: null,
    at_us: 1n,
    price: null,
  },
  {
    name: null,
    count: -7,
    id: -42n,
    ratio: null,
    share: 0,
    flag: null,
    day: new Date("1970-01-01T00:00:00Z"),
    at: new Date("1999-12-31T23:59:59.999Z"),
    at_us: 0n,
    price: -0.5,
  },
];

describe("a parquet file", () => {
  test("maps each type onto keel's cells", async () => {
    const table = await read(await parquetBytes(EVERY_TYPE, EVERY_TYPE_ROWS));
    expect(table.columns).toEqual(Object.keys(EVERY_TYPE));
    expect(table.rows).toBe(3);
    // Strings trimmed, empty is missing: as CSV cells are.
    expect(column(table, "name")).toEqual(["north", null, null]);
    expect(column(table, "count")).toEqual([3, null, -7]);
    // 2^53 - 1 is still exact as a number; 2^53 + 1 is not, so it keeps its digits.
    expect(column(table, "id")).toEqual([9_007_199_254_740_991, "9007199254740993", -42]);
    expect(column(table, "ratio")).toEqual([0.25, null, null]);
    expect(column(table, "share")).toEqual([1.5, -2, 0]);
    expect(column(table, "flag")).toEqual([true, false, null]);
    expect(column(table, "day")).toEqual(["2024-02-29", "1969-12-31", "1970-01-01"]);
    expect(column(table, "at")).toEqual([
      "2024-03-01T12:34:56.789Z",
      null,
      "1999-12-31T23:59:59.999Z",
    ]);
    expect(column(table, "at_us")).toEqual([
      "2024-03-01T12:34:56.789Z",
      "1970-01-01T00:00:00.000Z",
      "1970-01-01T00:00:00.000Z",
    ]);
    expect(column(table, "price")).toEqual([12.34, null, -0.5]);
  });

  test("nanosecond and local (not UTC-adjusted) timestamps become ISO strings in UTC form", async () => {
    // parquetjs cannot write TIMESTAMP logical types, so hyparquet-writer does.
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: "at_ns", data: [1_700_000_000_123_456_789n, -1n, null] },
        { name: "wall_clock", data: [1_700_000_000_123_456n, 0n, 999n] },
      ],
      schema: [
        { name: "root", num_children: 2 },
        {
          name: "at_ns",
          type: "INT64",
          repetition_type: "OPTIONAL",
          logical_type: { type: "TIMESTAMP", unit: "NANOS", isAdjustedToUTC: true },
        },
        {
          name: "wall_clock",
          type: "INT64",
          repetition_type: "REQUIRED",
          logical_type: { type: "TIMESTAMP", unit: "MICROS", isAdjustedToUTC: false },
        },
      ],
    });
    const table = await read(new Uint8Array(buffer));
    // Floored to the millisecond: 1 ns before 1970 is in 1969's last millisecond.
    expect(column(table, "at_ns")).toEqual([
      "2023-11-14T22:13:20.123Z",
      "1969-12-31T23:59:59.999Z",
      null,
    ]);
    expect(column(table, "wall_clock")).toEqual([
      "2023-11-14T22:13:20.123Z",
      "1970-01-01T00:00:00.000Z",
      "1970-01-01T00:00:00.000Z",
    ]);
  });

  test("the rarer scalar types: enums, times of day, unsigned ints, UUIDs, half floats", async () => {
    const table = await read(
      await parquetBytes(
        {
          colour: { type: "ENUM" },
          opens: { type: "TIME_MILLIS" },
          closes: { type: "TIME_MICROS" },
          small: { type: "UINT_8" },
          huge: { type: "UINT_64" },
        },
        [{ colour: "red", opens: 3_600_000, closes: 1_000_000n, small: 200, huge: 2n ** 62n + 5n }],
      ),
    );
    expect(table.cells).toEqual([
      ["red"],
      [3_600_000],
      [1_000_000],
      [200],
      ["4611686018427387909"],
    ]);
    const uuid = "01234567-89ab-cdef-0123-456789abcdef";
    const written = parquetWriteBuffer({
      columnData: [
        { name: "id", data: [uuid], type: "UUID" },
        { name: "half", data: [1.5], type: "FLOAT16" },
      ],
    });
    expect((await read(new Uint8Array(written))).cells).toEqual([[uuid], [1.5]]);
  });

  test("a JSON column holding objects is refused, naming it", async () => {
    const written = parquetWriteBuffer({
      columnData: [{ name: "payload", data: [{ a: 1 }], type: "JSON" }],
    });
    await expectAppError(
      () => read(new Uint8Array(written)),
      "INVALID_DATA",
      'Parquet test.parquet: column "payload" holds nested values',
    );
  });

  const ROWS = Array.from({ length: 10 }, (_, i) => ({
    label: i % 3 === 0 ? null : `class ${i % 2}`,
    x: i * 1.5,
    n: BigInt(i * 1000),
  }));
  const SCHEMA: ParquetSchemaDefinition = {
    label: { type: "UTF8", optional: true },
    x: { type: "DOUBLE" },
    n: { type: "INT64" },
  };
  const EXPECTED = {
    columns: ["label", "x", "n"],
    rows: 10,
    cells: [ROWS.map((r) => r.label), ROWS.map((r) => r.x), ROWS.map((r) => Number(r.n))],
  };

  for (const compression of ["UNCOMPRESSED", "SNAPPY", "GZIP", "BROTLI"] as ParquetCompression[]) {
    test(`${compression}, in several row groups, reads whole and in order`, async () => {
      const bytes = await parquetBytes(SCHEMA, ROWS, { compression, rowGroupSize: 3 });
      const metadata = parquetMetadata(bytes);
      expect(metadata.row_groups).toHaveLength(4);
      expect(metadata.row_groups[0]!.columns[0]!.meta_data!.codec).toBe(compression);
      expect(await read(bytes)).toEqual(EXPECTED);
    });
  }

  test("ZSTD, polars' default, reads the same", async () => {
    // parquetjs cannot write zstd: hyparquet-writer does, compressing with Bun's
    // own zstd, so the decompressor keel uses (fzstd) is checked against another.
    const buffer = parquetWriteBuffer({
      codec: "ZSTD",
      compressors: { ZSTD: (input: Uint8Array) => new Uint8Array(Bun.zstdCompressSync(input)) },
      columnData: [
        { name: "label", data: ROWS.map((r) => r.label), type: "STRING" },
        { name: "x", data: ROWS.map((r) => r.x), type: "DOUBLE" },
        { name: "n", data: ROWS.map((r) => r.n), type: "INT64" },
      ],
      rowGroupSize: 4,
    });
    const bytes = new Uint8Array(buffer);
    expect(parquetMetadata(bytes).row_groups[0]!.columns[1]!.meta_data!.codec).toBe("ZSTD");
    expect(await read(bytes)).toEqual(EXPECTED);
  });

  test("with version 1 data pages reads the same", async () => {
    const bytes = await parquetBytes(SCHEMA, ROWS, { rowGroupSize: 4, dataPageV2: false });
    expect(await read(bytes)).toEqual(EXPECTED);
  });

  test("with no rows is empty, like a CSV with only a header", async () => {
    await expectAppError(
      async () => read(await parquetBytes(SCHEMA, [])),
      "INVALID_DATA",
      "Dataset test.parquet is empty: it has no rows",
    );
  });

  test("with nested columns is refused, naming every one", async () => {
    const bytes = await parquetBytes(
      {
        id: { type: "INT32" },
        tags: { type: "UTF8", repeated: true },
        address: { fields: { city: { type: "UTF8" }, zip: { type: "UTF8" } } },
      },
      [{ id: 1, tags: ["a", "b"], address: { city: "Oslo", zip: "0150" } }],
    );
    await expectAppError(
      () => read(bytes),
      "INVALID_DATA",
      'Parquet test.parquet: columns "tags", "address" are nested (a list, map or struct)',
    );
  });

  test("larger than the cap once decoded is refused, though its bytes are under it", async () => {
    const rows = Array.from({ length: 2000 }, () => ({ label: "same", x: 1, n: 1n }));
    const bytes = await parquetBytes(SCHEMA, rows, { compression: "SNAPPY" });
    const cap = bytes.byteLength + 100;
    const error = await expectAppError(() => read(bytes, cap), "DATA_UNAVAILABLE", "test.parquet");
    expect(error.message).toContain(`under the limit of ${cap} bytes`);
    expect((await read(bytes, 100_000)).rows).toBe(2000);
  });
});

describe("a corrupt parquet file is INVALID_DATA naming the source", () => {
  const valid = () => parquetBytes(SCHEMA_OF_TWO, ROWS_OF_TWO, { compression: "SNAPPY" });

  test("bad magic at the start", async () => {
    const bytes = await valid();
    bytes.set(new TextEncoder().encode("PAR0"), 0);
    await expectAppError(
      () => read(bytes),
      "INVALID_DATA",
      'Parquet test.parquet cannot be read: it does not start with "PAR1"',
    );
  });

  test("a cut footer", async () => {
    const bytes = await valid();
    await expectAppError(
      () => read(bytes.subarray(0, bytes.byteLength - 20)),
      "INVALID_DATA",
      "Parquet test.parquet cannot be read (corrupt or truncated?)",
    );
  });

  test("a file cut short with the magic put back, and garbage between the magics", async () => {
    const bytes = await valid();
    const cut = new Uint8Array([
      ...bytes.subarray(0, bytes.byteLength >> 1),
      0x50,
      0x41,
      0x52,
      0x31,
    ]);
    await expectAppError(() => read(cut), "INVALID_DATA", "test.parquet cannot be read");
    const garbage = new Uint8Array(bytes.byteLength);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 251;
    garbage.set(bytes.subarray(0, 4), 0);
    garbage.set(bytes.subarray(-4), garbage.length - 4);
    await expectAppError(() => read(garbage), "INVALID_DATA", "test.parquet cannot be read");
  });

  test("a page header missing its required fields (hyparquet alone would loop forever)", async () => {
    const bytes = await valid();
    const offset = Number(
      parquetMetadata(bytes).row_groups[0]!.columns[1]!.meta_data!.data_page_offset,
    );
    dropV2PageCounts(bytes, offset);
    await expectAppError(
      () => read(bytes),
      "INVALID_DATA",
      'column "x" in row group 1, page 1: a required field is missing',
    );
  }, 5_000);

  test("two columns failing at once is one error, not an unhandled rejection", async () => {
    const bytes = await valid();
    const metadata = parquetMetadata(bytes);
    // The first column's snappy page becomes garbage…
    const first = metadata.row_groups[0]!.columns[0]!.meta_data!;
    const pageEnd = Number(first.data_page_offset + first.total_compressed_size);
    bytes.fill(0xff, pageEnd - 6, pageEnd);
    // …and the second column's path in the footer no longer names a schema column.
    const name = new TextEncoder().encode("x");
    const at = bytes.lastIndexOf(name[0]!, bytes.byteLength - 8);
    bytes[at] = "q".charCodeAt(0);
    await expectAppError(() => read(bytes), "INVALID_DATA", "test.parquet cannot be read");
    await Bun.sleep(20); // an unhandled rejection would fail the test run here
  });
});

// x is optional so its pages carry definition levels: the part a page header
// without its level lengths sends hyparquet into an endless loop.
const SCHEMA_OF_TWO: ParquetSchemaDefinition = {
  label: { type: "UTF8" },
  x: { type: "DOUBLE", optional: true },
};
const ROWS_OF_TWO = Array.from({ length: 6 }, (_, i) => ({ label: `row ${i}`, x: i / 4 }));

/**
 * Rewrites a version 2 data page header so it ends right after num_values: the
 * thrift field header of num_nulls (0x15) becomes a boolean field 16 (0xf2),
 * and the value byte behind it (0 nulls) now reads as the struct's end.
 */
function dropV2PageCounts(bytes: Uint8Array, pageOffset: number): void {
  const struct = bytes.indexOf(0x5c, pageOffset); // field 8, data_page_header_v2
  expect(struct - pageOffset).toBeLessThan(12);
  expect(bytes[struct + 1]).toBe(0x15); // num_values, a one-byte varint here
  expect(bytes.subarray(struct + 3, struct + 5)).toEqual(new Uint8Array([0x15, 0x00]));
  bytes[struct + 3] = 0xf2;
}
