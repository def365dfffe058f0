// A look at every page header of a parquet file before hyparquet decodes it.
// hyparquet trusts the sizes a page header declares: a header whose required
// fields are missing (a flipped byte is enough) turns its read offset into NaN,
// a DataView reads NaN as 0, and the decoding loop never ends. So each header
// is parsed here with hyparquet's own parser and its sizes and counts checked.

import type { ColumnMetaData, FileMetaData, PageHeader } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";

/** Throws an Error saying which page of which column is malformed. */
export function checkPageHeaders(file: ArrayBuffer, metadata: FileMetaData): void {
  const view = new DataView(file);
  metadata.row_groups.forEach((group, g) => {
    for (const chunk of group.columns) {
      if (!chunk.meta_data) throw new Error(`row group ${g + 1} has a column without metadata`);
      const name = chunk.meta_data.path_in_schema.join(".");
      checkChunk(view, chunk.meta_data, `column "${name}" in row group ${g + 1}`);
    }
  });
}

function checkChunk(view: DataView, meta: ColumnMetaData, where: string): void {
  // Where hyparquet starts and stops reading the chunk.
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const end = start + Number(meta.total_compressed_size);
  if (!(start >= 4 && end <= view.byteLength - 8 && start <= end)) {
    throw new Error(`${where} lies outside the file (bytes ${start}–${end})`);
  }
  const reader = { view, offset: start };
  for (let page = 1; reader.offset < end - 1; page++) {
    let header: PageHeader;
    try {
      header = parquetHeader(reader);
    } catch (error) {
      throw new Error(`${where}, page ${page}: unreadable header (${(error as Error).message})`);
    }
    const problem = headerProblem(header);
    if (problem) throw new Error(`${where}, page ${page}: ${problem}`);
    reader.offset += header.compressed_page_size;
    if (reader.offset > end) throw new Error(`${where}, page ${page} runs past the column's end`);
  }
}

const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0;

/** What is wrong with a page header, or undefined when its sizes and counts make sense. */
function headerProblem(header: PageHeader): string | undefined {
  const { compressed_page_size: compressed, uncompressed_page_size: uncompressed } = header;
  if (!isCount(compressed) || !isCount(uncompressed))
    return "the page sizes are missing or negative";
  if (header.type === "DATA_PAGE") {
    return isCount(header.data_page_header?.num_values) ? undefined : "no value count";
  }
  if (header.type === "DICTIONARY_PAGE") {
    return isCount(header.dictionary_page_header?.num_values) ? undefined : "no value count";
  }
  if (header.type === "DATA_PAGE_V2") {
    const v2 = header.data_page_header_v2;
    const counts = [v2?.num_values, v2?.num_nulls, v2?.num_rows];
    const levels = [v2?.definition_levels_byte_length, v2?.repetition_levels_byte_length];
    if (!v2 || !counts.every(isCount) || !levels.every(isCount))
      return "a required field is missing";
    if (v2.num_nulls > v2.num_values) return "more nulls than values";
    const levelBytes = v2.definition_levels_byte_length + v2.repetition_levels_byte_length;
    if (levelBytes > compressed) return "its levels are larger than the page";
    return undefined;
  }
  // Index pages are skipped by hyparquet; any other type is a corrupt header.
  return header.type === "INDEX_PAGE" ? undefined : `unknown page type ${String(header.type)}`;
}
