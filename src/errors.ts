// One error type for everything a client or an operator can get wrong.
// `code` is stable and machine-readable; `status` is the HTTP status it maps to.

export type ErrorCode =
  | "BAD_REQUEST"
  | "MALFORMED_JSON"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "MODEL_NOT_FOUND"
  | "MODEL_VERSION_NOT_FOUND"
  | "ALIAS_NOT_FOUND"
  | "RUN_NOT_FOUND"
  | "RUN_NOT_RUNNING"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "INVALID_INPUT"
  | "INVALID_MODEL"
  | "INVALID_DATA"
  | "DATA_UNAVAILABLE"
  | "ARTIFACT_CORRUPT"
  | "NOT_READY"
  | "STORE_UNAVAILABLE"
  | "TRAINING_FAILED"
  | "GITHUB_REFUSED"
  | "UPSTREAM_UNAVAILABLE"
  | "INTERNAL";

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new AppError("BAD_REQUEST", 400, message, details);
export const notFound = (code: ErrorCode, message: string) => new AppError(code, 404, message);
export const conflict = (message: string, details?: unknown) =>
  new AppError("CONFLICT", 409, message, details);
export const invalidInput = (message: string, details?: unknown) =>
  new AppError("INVALID_INPUT", 422, message, details);
export const invalidModel = (message: string, details?: unknown) =>
  new AppError("INVALID_MODEL", 422, message, details);
export const invalidData = (message: string, details?: unknown) =>
  new AppError("INVALID_DATA", 422, message, details);

/** Background work reports its outcome as a value instead of throwing. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
