// Shared by the data tests: building small tables and asserting AppErrors.

import { expect } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTable, type RawTable, type TextFormat } from "../../src/data/table.ts";
import type { AppError, ErrorCode } from "../../src/errors.ts";
import { caughtAppError } from "../helpers/app-error.ts";

export const bytes = (text: string) => new TextEncoder().encode(text);

export const csvTable = (text: string): RawTable => parseTable(bytes(text), "csv", "test.csv");

export const table = (text: string, format: TextFormat = "csv"): RawTable =>
  parseTable(bytes(text), format, `test.${format}`);

export async function expectAppError(
  action: () => unknown,
  code: ErrorCode,
  message: RegExp | string,
): Promise<AppError> {
  const error = await caughtAppError(action);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  return error;
}

/** A temporary directory removed after `use` returns. */
export async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "keel-data-"));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A CSV of `rows` rows with two informative numeric features and a 2-class target. */
export function sampleCsv(rows = 12): string {
  const lines = ["day,x,y,label"];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `2024-01-${String(i + 1).padStart(2, "0")},${i},${(i * 7) % 5},${i % 2 ? "b" : "a"}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
