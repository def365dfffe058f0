// The train/holdout split. With a time column the holdout is the latest rows
// (the data is in time order): the model is judged on the period after the
// one it learned from, as it will be used. Without one it is seeded, so a run
// can be repeated exactly, and stratified for classification so a rare class
// is not missing from the holdout by bad luck.

import { invalidInput } from "../errors.ts";
import type { Split, Target } from "./dataset.ts";
import { createRandom, shuffleInPlace } from "./random.ts";

/**
 * Splits the rows of `target` into train and test. Classification: per class,
 * about `testFraction` of its rows go to test, and every class with at least 2
 * rows has at least one row on each side. Regression: one shuffled cut.
 * Indices are ascending within each part.
 */
export function stratifiedSplit(target: Target, testFraction: number, seed: number): Split {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw invalidInput(`testFraction must be between 0 and 1 (exclusive), got ${testFraction}`);
  }
  const random = createRandom(seed);
  const groups = target.task === "classification" ? groupByClass(target) : [allRows(target)];
  const rows = target.task === "classification" ? target.codes.length : target.values.length;
  const inTest = new Uint8Array(rows);
  let tested = 0;
  for (const group of groups) {
    shuffleInPlace(group, random);
    const cut = testCount(group.length, testFraction);
    for (let i = 0; i < cut; i++) inTest[group[i]!] = 1;
    tested += cut;
  }
  if (tested === 0 || tested === rows) {
    throw invalidInput(`Cannot split ${rows} rows into a non-empty train and test set`);
  }
  return { train: rowsWhere(inTest, 0, rows - tested), test: rowsWhere(inTest, 1, tested) };
}

/** The last `testFraction` of the rows (at least one) as the holdout, the rest for training. */
export function timeOrderedSplit(rows: number, testFraction: number): Split {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw invalidInput(`testFraction must be between 0 and 1 (exclusive), got ${testFraction}`);
  }
  const tested = Math.min(rows - 1, Math.max(1, Math.round(rows * testFraction)));
  if (rows < 2) throw invalidInput(`Cannot split ${rows} rows into a non-empty train and test set`);
  const cut = rows - tested;
  return {
    train: Uint32Array.from({ length: cut }, (_, i) => i),
    test: Uint32Array.from({ length: tested }, (_, i) => cut + i),
  };
}

/** The split a training run uses: by time when the data has a time column, else stratified. */
export function holdoutSplit(
  target: Target,
  options: { testFraction: number; seed: number; timeOrdered: boolean },
): Split {
  const rows = target.task === "classification" ? target.codes.length : target.values.length;
  return options.timeOrdered
    ? timeOrderedSplit(rows, options.testFraction)
    : stratifiedSplit(target, options.testFraction, options.seed);
}

/** Scanning in row order keeps both parts ascending without a sort. */
function rowsWhere(inTest: Uint8Array, flag: number, count: number): Uint32Array {
  const rows = new Uint32Array(count);
  let next = 0;
  inTest.forEach((value, row) => {
    if (value === flag) rows[next++] = row;
  });
  return rows;
}

/** Rows for test in a group of `size`: at least one, never all, none for a singleton. */
function testCount(size: number, fraction: number): number {
  if (size < 2) return 0;
  return Math.min(size - 1, Math.max(1, Math.round(size * fraction)));
}

function groupByClass(target: Extract<Target, { task: "classification" }>): Uint32Array[] {
  const counts = new Uint32Array(target.classes.length);
  for (const code of target.codes) if (code >= 0) counts[code]!++;
  const groups = Array.from(counts, (count) => new Uint32Array(count));
  const filled = new Uint32Array(target.classes.length);
  target.codes.forEach((code, row) => {
    if (code >= 0) groups[code]![filled[code]!++] = row;
  });
  return groups;
}

function allRows(target: Extract<Target, { task: "regression" }>): Uint32Array {
  return Uint32Array.from(target.values, (_, row) => row);
}
