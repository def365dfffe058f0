// Where the training data comes from: a local path, a file:// URL or an
// http(s) URL, read whole into memory with a size cap and a timeout. Also the
// one place that knows how to show a source without its credentials.

import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { AppError, errorMessage } from "../errors.ts";

export type DataFormat = "csv" | "jsonl" | "parquet";

export interface SourceOptions {
  /** For URLs: the whole download, headers and body, must finish within this. */
  timeoutMs?: number;
  maxBytes?: number;
}

export interface SourceBytes {
  bytes: Uint8Array;
  format: DataFormat;
  /** The source as given, credentials removed: safe to log and store. */
  source: string;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

const SECRET_PARAM = /token|key|secret|sig|password|passwd|auth|credential|session/i;

const unavailable = (message: string) => new AppError("DATA_UNAVAILABLE", message);

/** Reads a dataset's bytes and decides its format. Errors never contain credentials. */
export async function readSource(
  source: string,
  options: SourceOptions = {},
): Promise<SourceBytes> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const shown = redactSource(source);
  if (isHttpUrl(source)) {
    const url = parseUrl(source, shown);
    const { bytes, contentType } = await fetchBytes(url, shown, maxBytes, options.timeoutMs);
    return { bytes, format: detectFormat(url.pathname, contentType, bytes), source: shown };
  }
  const path = source.startsWith("file:") ? fileURLToPath(source) : source;
  const bytes = await readLocal(path, shown, maxBytes);
  return { bytes, format: detectFormat(path, undefined, bytes), source: shown };
}

export const isHttpUrl = (source: string): boolean => /^https?:\/\//i.test(source);

/**
 * The source fit for logs, errors and the registry: `user:pass@` dropped and
 * secret-looking query values (token, signature, key, …) masked.
 */
export function redactSource(source: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return source;
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    // Unparseable: still drop anything between "://" and "@" that could be credentials.
    return source.replace(/:\/\/[^/@]*@/, "://");
  }
  url.username = "";
  url.password = "";
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) url.searchParams.set(name, "REDACTED");
  }
  return url.toString();
}

async function readLocal(path: string, shown: string, maxBytes: number): Promise<Uint8Array> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw unavailable(`Data source ${shown} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw unavailable(`Data file not found: ${shown}`);
    throw unavailable(`Data file ${shown} cannot be read: ${code ?? errorMessage(error)}`);
  }
  if (size > maxBytes) throw tooLarge(shown, maxBytes);
  return new Uint8Array(await Bun.file(path).arrayBuffer());
}

function parseUrl(source: string, shown: string): URL {
  try {
    return new URL(source);
  } catch {
    throw unavailable(`Data URL ${shown} is not a valid URL`);
  }
}

async function fetchBytes(
  source: URL,
  shown: string,
  maxBytes: number,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<{ bytes: Uint8Array; contentType: string | undefined }> {
  const { url, headers } = withBasicAuth(source);
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      await response.body?.cancel();
      throw unavailable(
        `Data URL ${shown} answered HTTP ${response.status} ${response.statusText}`.trim(),
      );
    }
    const length = Number(response.headers.get("content-length") ?? Number.NaN);
    if (length > maxBytes) {
      await response.body?.cancel();
      throw tooLarge(shown, maxBytes);
    }
    const bytes = await readCapped(response, shown, maxBytes);
    return { bytes, contentType: response.headers.get("content-type") ?? undefined };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unavailable(
      `Data URL ${shown} is unreachable: ${fetchFailure(error, timeoutMs, source)}`,
    );
  }
}

/** Credentials in the URL become a header so they never travel inside the URL string. */
function withBasicAuth(source: URL): { url: string; headers: Headers } {
  const url = new URL(source);
  const headers = new Headers();
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers.set("authorization", `Basic ${btoa(`${user}:${pass}`)}`);
    url.username = "";
    url.password = "";
  }
  return { url: url.toString(), headers };
}

async function readCapped(
  response: Response,
  shown: string,
  maxBytes: number,
): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      await response.body.cancel().catch(() => {});
      throw tooLarge(shown, maxBytes);
    }
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** A short reason (ECONNREFUSED, ENOTFOUND, timed out after 5000 ms) free of credentials. */
function fetchFailure(error: unknown, timeoutMs: number, source: URL): string {
  if (error instanceof Error && error.name === "TimeoutError")
    return `timed out after ${timeoutMs} ms`;
  const code = (error as { code?: unknown }).code;
  let reason = typeof code === "string" && code !== "" ? code : errorMessage(error);
  for (const secret of [source.href, source.password]) {
    if (secret.length >= 3) reason = reason.split(secret).join("***");
  }
  return reason;
}

function tooLarge(shown: string, maxBytes: number): AppError {
  return unavailable(`Data source ${shown} is larger than the limit of ${maxBytes} bytes`);
}

// The registered media type, and the one older tools send.
const PARQUET_TYPES = new Set(["application/vnd.apache.parquet", "application/x-parquet"]);

/** Extension first, then Content-Type, then a look at the first bytes. */
export function detectFormat(
  path: string,
  contentType: string | undefined,
  bytes: Uint8Array,
): DataFormat {
  const extension = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (extension === "csv") return "csv";
  if (extension === "jsonl" || extension === "ndjson" || extension === "json") return "jsonl";
  if (extension === "parquet") return "parquet";
  const mime = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (mime === "text/csv" || mime === "application/csv") return "csv";
  if (/json/.test(mime)) return "jsonl";
  if (PARQUET_TYPES.has(mime)) return "parquet";
  return sniffFormat(bytes);
}

/** Every parquet file starts (and ends) with the four bytes "PAR1". */
export function startsWithParquetMagic(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31;
}

function sniffFormat(bytes: Uint8Array): DataFormat {
  // Object stores often serve parquet as application/octet-stream; its magic says what it is.
  if (startsWithParquetMagic(bytes)) return "parquet";
  for (const byte of bytes.subarray(0, 4096)) {
    // Skip whitespace and a UTF-8 byte order mark (EF BB BF).
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    if (byte === 0xef || byte === 0xbb || byte === 0xbf) continue;
    return byte === 0x7b || byte === 0x5b ? "jsonl" : "csv";
  }
  return "csv";
}
