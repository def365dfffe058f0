// Renders every failure as DESIGN.md's error body `{error: {code, message, details?}}`.
// Anything that is not an AppError is a bug: logged in full, answered as a bare 500.

import { AppError } from "../errors.ts";
import type { Logger } from "../observability/log.ts";

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; request_id?: string };
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

export function toAppError(code: string | number, error: unknown): AppError {
  if (error instanceof AppError) return error;
  switch (code) {
    case "PARSE":
      return new AppError("MALFORMED_JSON", 400, "The request body is not valid JSON");
    case "VALIDATION":
      return validationError(error as ElysiaValidationError);
    case "NOT_FOUND":
      return new AppError("NOT_FOUND", 404, "No such route");
    default:
      return new AppError("INTERNAL", 500, "Internal error");
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
  return new AppError("BAD_REQUEST", 400, `Invalid ${where}: ${summary}`, { fields });
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

export function logUnexpected(logger: Logger, error: unknown, requestId?: string) {
  logger.error("http.unexpected_error", {
    request_id: requestId,
    error:
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : String(error),
  });
}
