// The one place an error becomes an HTTP answer: each AppError code has its
// status here, and every failure is rendered as the body
// `{error: {code, message, details?, request_id?}}`. Anything that is not an
// AppError (nor one of Elysia's own parse, validation and routing errors) is
// a bug: answered as a bare 500 INTERNAL, its message withheld, and logged in full.

import { AppError, type ErrorCode } from "../errors.ts";
import type { Logger } from "../observability/log.ts";

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; request_id?: string };
}

/** The HTTP status of each code; clients rely on these (docs/errors.md lists them). */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  MALFORMED_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  MODEL_NOT_FOUND: 404,
  MODEL_VERSION_NOT_FOUND: 404,
  ALIAS_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  RUN_NOT_RUNNING: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_INPUT: 422,
  INVALID_MODEL: 422,
  INVALID_DATA: 422,
  DATA_UNAVAILABLE: 422,
  // A bad setting is the server's problem, not the client's.
  INVALID_CONFIG: 500,
  ARTIFACT_CORRUPT: 500,
  NOT_READY: 503,
  STORE_UNAVAILABLE: 503,
  TRAINING_FAILED: 500,
  // Its 4xx refusals are relayed as they are (see httpStatus).
  GITHUB_REFUSED: 502,
  UPSTREAM_UNAVAILABLE: 502,
  INTERNAL: 500,
};

/**
 * The status an AppError is answered with. GitHub's own refusal of a dispatch
 * (bad token, unknown workflow, bad inputs) keeps GitHub's 4xx status, so the
 * caller sees what GitHub said; GitHub's outages are a 502.
 */
export function httpStatus(error: AppError): number {
  if (error.code === "GITHUB_REFUSED") {
    const github = (error.details as { github_status?: unknown } | undefined)?.github_status;
    if (typeof github === "number" && github >= 400 && github < 500) return github;
  }
  return HTTP_STATUS[error.code];
}

interface ValidationIssue {
  path?: string;
  summary?: string;
  message?: string;
  schema?: { anyOf?: { const?: unknown }[] };
}

interface ElysiaValidationError {
  all?: ValidationIssue[];
  type?: string;
}

/** What to answer for anything thrown while handling a request; `code` is Elysia's error code. */
export function toAppError(code: string | number, error: unknown): AppError {
  if (error instanceof AppError) return error;
  switch (code) {
    case "PARSE":
      return new AppError("MALFORMED_JSON", "The request body is not valid JSON");
    case "VALIDATION":
      return validationError(error as ElysiaValidationError);
    case "NOT_FOUND":
      return new AppError("NOT_FOUND", "No such route");
    default:
      return new AppError("INTERNAL", "Internal error");
  }
}

function validationError(error: ElysiaValidationError): AppError {
  const fields = (error.all ?? []).map((issue) => ({
    field: (issue.path ?? "").replace(/^\//, "") || "(body)",
    problem: describeIssue(issue),
  }));
  const where = error.type ?? "body";
  const summary =
    fields.map((f) => `${f.field}: ${f.problem}`).join("; ") || "does not match the schema";
  return new AppError("BAD_REQUEST", `Invalid ${where}: ${summary}`, { fields });
}

function describeIssue(issue: ValidationIssue): string {
  const allowed = issue.schema?.anyOf?.map((option) => option.const).filter((v) => v !== undefined);
  if (allowed && allowed.length > 0) return `must be one of ${allowed.join(", ")}`;
  return issue.summary ?? issue.message ?? "is invalid";
}

export function errorBody(error: AppError, requestId?: string): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details !== undefined ? { details: error.details } : {}),
      ...(requestId ? { request_id: requestId } : {}),
    },
  };
}

/** Status and body for anything thrown while handling a request; a bug is logged in full first. */
export function renderError(
  code: string | number,
  error: unknown,
  logger: Logger,
  requestId?: string,
): { status: number; body: ErrorBody } {
  const appError = toAppError(code, error);
  if (appError.code === "INTERNAL") logUnexpected(logger, error, requestId);
  return { status: httpStatus(appError), body: errorBody(appError, requestId) };
}

export function logUnexpected(logger: Logger, error: unknown, requestId?: string) {
  logger.error("http.unexpected_error", {
    request_id: requestId,
    error:
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : String(error),
  });
}
