// Real parquet files for tests, written at test time by @dsnp/parquetjs: a
// writer independent of hyparquet, the reader keel uses, so a test cannot pass
// because writer and reader share a mistake. (hyparquet-writer is used only
// for the timestamp flavours parquetjs cannot write; see tests/data/parquet.test.ts.)
// @dsnp/parquetjs is pinned at 1.8.9: the 1.9.3 tarball on npm has no dist/.

import parquet from "@dsnp/parquetjs";
import type { WeatherRow } from "../http/weather-traffic.ts";

export type ParquetSchemaDefinition = ConstructorParameters<typeof parquet.ParquetSchema>[0];
export type ParquetCompression = "UNCOMPRESSED" | "SNAPPY" | "GZIP" | "BROTLI";

export interface WriteOptions {
  /** Rows per row group; small values give a file of several row groups. */
  rowGroupSize?: number;
  /** Applied to every column that does not name its own. */
  compression?: ParquetCompression;
  /** parquetjs writes version 2 data pages unless told otherwise. */
  dataPageV2?: boolean;
}

export async function writeParquet(
  path: string,
  schema: ParquetSchemaDefinition,
  rows: Record<string, unknown>[],
  options: WriteOptions = {},
): Promise<string> {
  const fields = Object.fromEntries(
    Object.entries(schema).map(([name, field]) => [
      name,
      { compression: options.compression ?? "UNCOMPRESSED", ...field },
    ]),
  );
  const writer = await parquet.ParquetWriter.openFile(new parquet.ParquetSchema(fields), path, {
    rowGroupSize: options.rowGroupSize ?? 4096,
    useDataPageV2: options.dataPageV2 ?? true,
  });
  for (const row of rows) await writer.appendRow(row);
  await writer.close();
  return path;
}

/** The weather rows as a data-lake export would hold them: a DATE, doubles and a string. */
export function writeWeatherParquet(
  path: string,
  rows: WeatherRow[],
  options: WriteOptions = {},
): Promise<string> {
  return writeParquet(
    path,
    {
      date: { type: "DATE" },
      precipitation: { type: "DOUBLE" },
      temp_max: { type: "DOUBLE" },
      temp_min: { type: "DOUBLE" },
      wind: { type: "DOUBLE" },
      weather: { type: "UTF8" },
    },
    rows.map((r) => ({ ...r, date: new Date(`${r.date}T00:00:00Z`) })),
    { compression: "SNAPPY", rowGroupSize: 500, ...options },
  );
}
