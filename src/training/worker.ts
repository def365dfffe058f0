// The training Worker script: receives one `train` message, streams progress
// events, and answers with exactly one result or error message. Every failure,
// including a result that cannot be posted, becomes an `error` message.

import "../native-preload.ts";
import { AppError, errorMessage } from "../errors.ts";
import type { WorkerMessageIn, WorkerMessageOut } from "./protocol.ts";
import { trainModel } from "./train.ts";

function send(message: WorkerMessageOut, transfer: Bun.Transferable[] = []): void {
  postMessage(message, transfer);
}

async function handle(message: WorkerMessageIn): Promise<void> {
  if (message?.type !== "train") {
    send({ type: "error", message: `Unknown message type "${String(message?.type)}"` });
    return;
  }
  try {
    const result = await trainModel(message.request, (progress) =>
      send({ type: "progress", progress }),
    );
    send({ type: "result", result }, [result.onnx.buffer as ArrayBuffer]);
  } catch (error) {
    send(errorMessageOf(error));
  }
}

/** The AppError's code crosses the boundary with its message; an Error object cannot. */
function errorMessageOf(error: unknown): WorkerMessageOut {
  if (error instanceof AppError) return { type: "error", message: error.message, code: error.code };
  return { type: "error", message: errorMessage(error) };
}

addEventListener("message", (event: MessageEvent<WorkerMessageIn>) => {
  handle(event.data).catch((error: unknown) => {
    try {
      send(errorMessageOf(error));
    } catch {
      // Nothing left to report to; the main thread sees the worker close.
    }
  });
});
