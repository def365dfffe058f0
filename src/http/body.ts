// Reads request bodies ourselves, with the size limit enforced and JSON errors
// that say where the problem is, whatever Content-Type the client sent.

import { AppError } from "../errors.ts";

/** A declared Content-Length over the limit is refused earlier, by the app's onRequest hook. */
export async function readBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw tooLarge(bytes.byteLength, maxBytes);
  return bytes;
}

// Fatal, so bytes that are not UTF-8 are refused instead of silently becoming U+FFFD
// (a text feature would otherwise be scored on characters the client never sent).
const utf8 = new TextDecoder("utf-8", { fatal: true });

export async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  const bytes = await readBytes(request, maxBytes);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new AppError("MALFORMED_JSON", "The request body is not valid UTF-8 text");
  }
  if (text.trim() === "")
    throw new AppError("MALFORMED_JSON", "The request body is empty; send a JSON object");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError(
      "MALFORMED_JSON",
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

export const tooLarge = (size: number, maxBytes: number) =>
  new AppError(
    "PAYLOAD_TOO_LARGE",
    `The request body is ${size} bytes; the limit is ${maxBytes} (KEEL_MAX_BODY_BYTES)`,
  );
