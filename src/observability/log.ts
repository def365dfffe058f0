// Structured logs: one JSON line per event on stdout. Info and debug lines are
// buffered and written together at most every FLUSH_MS (or once 64 KiB are
// waiting): one write per request turn measured as a fifth of /predict's
// throughput. Warnings and errors are written at the next turn.

import type { LogLevel } from "../config.ts";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const FLUSH_MS = 100;
const FLUSH_BYTES = 64 * 1024;

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  flush(): void;
}

export function createLogger(options: { level: LogLevel; write?: (text: string) => void }): Logger {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const threshold = RANK[options.level];
  let buffer = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  let immediate: ReturnType<typeof setImmediate> | undefined;

  const flush = () => {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
    if (buffer.length === 0) return;
    const text = buffer;
    buffer = "";
    write(text);
  };

  const log = (level: LogLevel, event: string, fields?: LogFields) => {
    if (RANK[level] < threshold) return;
    buffer += line(level, event, fields);
    if (buffer.length >= FLUSH_BYTES) flush();
    else if (RANK[level] >= RANK.warn) immediate ??= setImmediate(flush);
    else timer ??= setTimeout(flush, FLUSH_MS);
  };

  return {
    debug: (event, fields) => log("debug", event, fields),
    info: (event, fields) => log("info", event, fields),
    warn: (event, fields) => log("warn", event, fields),
    error: (event, fields) => log("error", event, fields),
    flush,
  };
}

/**
 * `JSON.stringify({ time, level, event, ...fields })` plus a newline, without building the
 * merged object: this runs once per request.
 */
function line(level: LogLevel, event: string, fields: LogFields | undefined): string {
  const time = timestamp();
  if (fields !== undefined && ("time" in fields || "level" in fields || "event" in fields)) {
    return `${JSON.stringify({ time, level, event, ...fields })}\n`;
  }
  const head = `{"time":"${time}","level":"${level}","event":${JSON.stringify(event)}`;
  const rest = fields === undefined ? "{}" : JSON.stringify(fields);
  return rest.length > 2 ? `${head},${rest.slice(1)}\n` : `${head}}\n`;
}

let lastMs = Number.NaN;
let lastTime = "";

/** `new Date().toISOString()`, formatted once per millisecond. */
function timestamp(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = new Date(now).toISOString();
  }
  return lastTime;
}

/** A logger that drops everything, for tests and library use. */
export const silentLogger: Logger = createLogger({ level: "error", write: () => {} });
