// What a training run records about its data: where it came from (without
// credentials), the exact bytes (sha256), and what each column was used for.
// Two runs with the same sha256 and schema trained on the same data.

import { sha256Hex } from "../sha256.ts";
import type { DataFormat } from "./source.ts";
import { redactSource } from "./source.ts";

/** `unused`: a feature set aside because it cannot inform a model; `ignored`: not asked for. */
export type ColumnRole = "feature" | "target" | "time" | "unused" | "ignored";

export interface ColumnUse {
  name: string;
  type: string;
  role: ColumnRole;
  /** Why the column has this role, when keel decided it. */
  note?: string;
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
  /** What a person should know about the data: columns set aside, and why. */
  warnings: string[];
}

export interface FingerprintInput {
  source: string;
  format: DataFormat;
  bytes: Uint8Array;
  rows: number;
  droppedRows: number;
  columns: string[];
  schema: ColumnUse[];
  warnings?: string[];
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
    warnings: [...(input.warnings ?? [])],
  };
}
