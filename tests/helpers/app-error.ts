// Asserting on the AppErrors that keel throws or rejects with.

import { expect } from "bun:test";
import { AppError } from "../../src/errors.ts";

/** Runs `action` and returns the AppError it throws or rejects with; fails the test otherwise. */
export async function caughtAppError(action: () => unknown): Promise<AppError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected an AppError, but nothing was thrown");
}
