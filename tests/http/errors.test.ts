// The one mapping from error codes to HTTP answers: every code has its status
// (the ones clients and the README rely on), the body keeps its shape, and
// anything that is not an AppError is a 500 that withholds its message and is
// logged in full.

import { describe, expect, test } from "bun:test";
import { AppError, ERROR_CODES, type ErrorCode, isInputError } from "../../src/errors.ts";
import { HTTP_STATUS, httpStatus, renderError, toAppError } from "../../src/http/errors.ts";
import { createLogger } from "../../src/observability/log.ts";

/** The wire contract, written out: changing a status here breaks clients. */
const EXPECTED: Record<ErrorCode, number> = {
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
  INVALID_CONFIG: 500,
  ARTIFACT_CORRUPT: 500,
  NOT_READY: 503,
  STORE_UNAVAILABLE: 503,
  TRAINING_FAILED: 500,
  GITHUB_REFUSED: 502,
  UPSTREAM_UNAVAILABLE: 502,
  INTERNAL: 500,
};

/** A logger that keeps its lines, parsed. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "debug",
    write: (text) => {
      for (const line of text.trim().split("\n")) lines.push(JSON.parse(line));
    },
  });
  return { logger, lines };
}

describe("HTTP status of each code", () => {
  test("every code has the status clients rely on", () => {
    for (const code of ERROR_CODES) {
      expect({ code, status: httpStatus(new AppError(code, "x")) }).toEqual({
        code,
        status: EXPECTED[code],
      });
    }
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
  });

  test("an input code is a 4xx and a keel code a 5xx, but for a bad setting (the server's)", () => {
    for (const code of ERROR_CODES) {
      const clientSide = HTTP_STATUS[code] < 500;
      const expected = code === "INVALID_CONFIG" ? !clientSide : clientSide;
      expect({ code, input: isInputError(new AppError(code, "x")) }).toEqual({
        code,
        input: expected,
      });
    }
  });

  test("GitHub's refusal keeps its 4xx status; its outages and a missing status are a 502", () => {
    const refused = (details?: unknown) =>
      httpStatus(new AppError("GITHUB_REFUSED", "GitHub refused", details));
    expect(refused({ github_status: 404 })).toBe(404);
    expect(refused({ github_status: 422 })).toBe(422);
    expect(refused({ github_status: 503 })).toBe(502);
    expect(refused({ github_status: "404" })).toBe(502);
    expect(refused()).toBe(502);
  });
});

describe("rendering", () => {
  test("an AppError is its code, message and details, with the request id", () => {
    const { logger, lines } = capturingLogger();
    const error = new AppError("INVALID_INPUT", "Row 1: wind is missing", { fields: ["wind"] });
    expect(renderError("UNKNOWN", error, logger, "req-1")).toEqual({
      status: 422,
      body: {
        error: {
          code: "INVALID_INPUT",
          message: "Row 1: wind is missing",
          details: { fields: ["wind"] },
          request_id: "req-1",
        },
      },
    });
    logger.flush();
    expect(lines).toEqual([]);
  });

  test("without details or a request id the body has neither key", () => {
    const { logger } = capturingLogger();
    const { body } = renderError("UNKNOWN", new AppError("NOT_READY", "No model yet"), logger);
    expect(body).toEqual({ error: { code: "NOT_READY", message: "No model yet" } });
  });

  test("an error that is not an AppError is a 500 INTERNAL that keeps its message to the log", () => {
    const { logger, lines } = capturingLogger();
    const bug = new TypeError("Cannot read properties of undefined (secret-path /srv/keel)");
    const { status, body } = renderError("UNKNOWN", bug, logger, "req-2");
    expect(status).toBe(500);
    expect(body).toEqual({
      error: { code: "INTERNAL", message: "Internal error", request_id: "req-2" },
    });
    expect(JSON.stringify(body)).not.toContain("secret-path");
    logger.flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: "error",
      event: "http.unexpected_error",
      request_id: "req-2",
      error: { name: "TypeError", message: bug.message },
    });
    expect((lines[0]!.error as { stack: string }).stack).toContain("errors.test.ts");
  });

  test("a thrown value that is not an Error is a 500 as well", () => {
    const { logger, lines } = capturingLogger();
    const { status, body } = renderError("INTERNAL_SERVER_ERROR", "boom", logger);
    expect(status).toBe(500);
    expect(body.error).toEqual({ code: "INTERNAL", message: "Internal error" });
    logger.flush();
    expect(lines[0]).toMatchObject({ event: "http.unexpected_error", error: "boom" });
  });

  test("Elysia's own parse, routing and validation errors are client errors, not logged", () => {
    const { logger, lines } = capturingLogger();
    expect(renderError("PARSE", new Error("Unexpected token"), logger).status).toBe(400);
    expect(toAppError("PARSE", new Error("Unexpected token")).code).toBe("MALFORMED_JSON");
    expect(renderError("NOT_FOUND", new Error("NOT_FOUND"), logger).status).toBe(404);
    const invalid = toAppError("VALIDATION", {
      type: "query",
      all: [{ path: "/limit", summary: "Expected number" }],
    });
    expect(invalid.code).toBe("BAD_REQUEST");
    expect(invalid.message).toBe("Invalid query: limit: Expected number");
    expect(invalid.details).toEqual({ fields: [{ field: "limit", problem: "Expected number" }] });
    logger.flush();
    expect(lines).toEqual([]);
  });
});
