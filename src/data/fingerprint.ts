// What a training run records about its data: where it came from (without
// credentials), the exact bytes (sha256), and what each column was used for.
// Two runs with the same sha256 and schema trained on the same data.

import { sha256Hex } from "../sha256.ts";
import type { DataFormat } from "./source.ts";
import { redactSource } from "./source.ts";

export type ColumnRole = "feature" | "target" | "time" | "ignored";

export interface ColumnUse {
  name: string;
  type: string;
  role: ColumnRole;
}

export interface DatasetFingerprint {
  /** Credentials stripped. */
  source: string;
  format: DataFormat;
  /** Hex sha256 of the raw bytes as read. */
  sha256: string;
  /** Rows in the dataset, after dropping those without a target. */
  rows: number;
  dropped_rows: number;
  columns: string[];
  schema: ColumnUse[];
}

export interface FingerprintInput {
  source: string;
  format: DataFormat;
  bytes: Uint8Array;
  rows: number;
  droppedRows: number;
  columns: string[];
  schema: ColumnUse[];
}

export function createFingerprint(input: FingerprintInput): DatasetFingerprint {
  return {
    source: redactSource(input.source),
    format: input.format,
    sha256: sha256Hex(input.bytes),
    rows: input.rows,
    dropped_rows: input.droppedRows,
    columns: [...input.columns],
    schema: input.schema.map((column) => ({ ...column })),
  };
}
