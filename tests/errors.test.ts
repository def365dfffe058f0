// What a failure is, whoever reports it: an AppError names its code (and
// whether the fix is in the input); anything else is a bug, reported as
// INTERNAL with its stack.

import { expect, test } from "bun:test";
import { AppError, failureFields, invalidData, isInputError } from "../src/errors.ts";

test("an AppError is logged by its code and message, without a stack", () => {
  expect(failureFields(invalidData('Target column "weather" not found'))).toEqual({
    error: 'Target column "weather" not found',
    code: "INVALID_DATA",
  });
});

test("anything else is logged as INTERNAL with its stack", () => {
  const fields = failureFields(new RangeError("index 7 out of range"));
  expect(fields).toMatchObject({ error: "index 7 out of range", code: "INTERNAL" });
  expect(fields.stack).toContain("RangeError: index 7 out of range");
  expect(failureFields("a string")).toEqual({ error: "a string", code: "INTERNAL" });
});

test("only an AppError with an input code is the input's fault", () => {
  expect(isInputError(invalidData("bad"))).toBe(true);
  expect(isInputError(new AppError("INVALID_CONFIG", "KEEL_PORT must be a number"))).toBe(true);
  expect(isInputError(new AppError("STORE_UNAVAILABLE", "The database is unreachable"))).toBe(
    false,
  );
  expect(isInputError(new AppError("TRAINING_FAILED", "Training timed out"))).toBe(false);
  expect(isInputError(new Error("bad"))).toBe(false);
});
