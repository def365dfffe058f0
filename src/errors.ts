// keel's one way to fail (docs/errors.md). Code that finds something wrong
// with what it was given or asked for throws an AppError: a stable,
// machine-readable code that says WHAT went wrong, a message for a person, and
// optional details. It never carries an HTTP status or an exit code: the HTTP
// layer (src/http/errors.ts) and the command line (src/cli.ts) decide those
// from the code. Anything else thrown is a bug in keel: answered as 500
// INTERNAL without its message, and logged in full.

/**
 * Every code keel fails with, and whose move it is to fix it:
 * - `input`: what keel was given or asked for is wrong, too large, absent or in
 *   a conflicting state (a request, a file, a dataset or its spec, a setting);
 *   the same input will fail again.
 * - `keel`: keel, or something it depends on (the database, S3, GitHub, the
 *   trainer), could not do it; trying again later may work.
 */
const CODES = {
  BAD_REQUEST: "input",
  MALFORMED_JSON: "input",
  UNAUTHORIZED: "input",
  FORBIDDEN: "input",
  NOT_FOUND: "input",
  MODEL_NOT_FOUND: "input",
  MODEL_VERSION_NOT_FOUND: "input",
  ALIAS_NOT_FOUND: "input",
  RUN_NOT_FOUND: "input",
  RUN_NOT_RUNNING: "input",
  CONFLICT: "input",
  PAYLOAD_TOO_LARGE: "input",
  INVALID_INPUT: "input",
  INVALID_MODEL: "input",
  INVALID_DATA: "input",
  DATA_UNAVAILABLE: "input",
  INVALID_CONFIG: "input",
  ARTIFACT_CORRUPT: "keel",
  NOT_READY: "keel",
  STORE_UNAVAILABLE: "keel",
  TRAINING_FAILED: "keel",
  GITHUB_REFUSED: "keel",
  UPSTREAM_UNAVAILABLE: "keel",
  INTERNAL: "keel",
} as const satisfies Record<string, "input" | "keel">;

export type ErrorCode = keyof typeof CODES;

/** Every error code, in the order docs/errors.md lists them. */
export const ERROR_CODES = Object.keys(CODES) as ErrorCode[];

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

type NotFoundCode = Extract<ErrorCode, `${string}NOT_FOUND`>;

export const badRequest = (message: string, details?: unknown) =>
  new AppError("BAD_REQUEST", message, details);
export const notFound = (code: NotFoundCode, message: string) => new AppError(code, message);
export const conflict = (message: string, details?: unknown) =>
  new AppError("CONFLICT", message, details);
export const invalidInput = (message: string, details?: unknown) =>
  new AppError("INVALID_INPUT", message, details);
export const invalidModel = (message: string, details?: unknown) =>
  new AppError("INVALID_MODEL", message, details);
export const invalidData = (message: string, details?: unknown) =>
  new AppError("INVALID_DATA", message, details);
export const invalidConfig = (message: string) => new AppError("INVALID_CONFIG", message);

/** True for an AppError whose fix is in the input: the command line exits 2 for these. */
export const isInputError = (error: unknown): error is AppError =>
  error instanceof AppError && CODES[error.code] === "input";

/** Background work reports its outcome as a value instead of throwing. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * A failure as background jobs log it: an AppError by its code and message;
 * anything else is a bug, logged as INTERNAL with its stack.
 */
export function failureFields(error: unknown): { error: string; code: ErrorCode; stack?: string } {
  if (error instanceof AppError) return { error: error.message, code: error.code };
  const stack = error instanceof Error ? error.stack : undefined;
  return { error: errorMessage(error), code: "INTERNAL", ...(stack ? { stack } : {}) };
}
