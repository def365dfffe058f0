// How a refit is sized: boosting iterations grow with the rows when early
// stopping chose them, stay put when it did not, and never pass max_iter.

import { expect, test } from "bun:test";
import { allRows, refitIterations } from "../../src/training/refit.ts";

test("iterations found by early stopping grow in proportion to the rows, within max_iter", () => {
  expect(refitIterations({ iterations: 22, earlyStopped: true, fitRows: 720 }, 1000, 100)).toBe(31);
  expect(refitIterations({ iterations: 90, earlyStopped: true, fitRows: 720 }, 1000, 100)).toBe(
    100,
  );
  expect(refitIterations({ iterations: 100, earlyStopped: false, fitRows: 800 }, 1000, 100)).toBe(
    100,
  );
});

test("all rows: the ascending union of the train and holdout rows", () => {
  expect(Array.from(allRows(Uint32Array.of(0, 2, 5), Uint32Array.of(1, 2, 9)))).toEqual([
    0, 1, 2, 5, 9,
  ]);
});
