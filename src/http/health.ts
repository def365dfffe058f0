// Liveness and readiness. Readiness is 503 until a model is in the slot.

import { Elysia } from "elysia";
import { AppError } from "../errors.ts";
import type { ModelSlot } from "../serving/model-slot.ts";

export function healthRoutes(options: { slot: ModelSlot; startedAt: number }) {
  const { slot } = options;
  return new Elysia({ name: "health" })
    .get(
      "/health",
      () => ({ status: "ok", uptime_s: Math.round((Date.now() - options.startedAt) / 1000) }),
      {
        detail: { summary: "Liveness", tags: ["health"] },
      },
    )
    .get(
      "/ready",
      () => {
        const model = slot.current();
        if (!model) throw new AppError("NOT_READY", 503, "No model is loaded yet");
        return { status: "ready", model: model.identity };
      },
      { detail: { summary: "Readiness: 503 until a model is loaded", tags: ["health"] } },
    );
}
