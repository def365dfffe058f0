// Liveness and readiness. Readiness is 503 until a model is in the slot, and
// while the shared database is unreachable (the loaded model keeps answering
// /predict meanwhile: serving never touches the database).

import { Elysia } from "elysia";
import type { StoreHealth } from "../cluster/cluster.ts";
import { AppError } from "../errors.ts";
import type { ModelSlot } from "../serving/model-slot.ts";

export function healthRoutes(options: {
  slot: ModelSlot;
  startedAt: number;
  storeHealth: () => StoreHealth;
}) {
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
        if (!model) throw new AppError("NOT_READY", "No model is loaded yet");
        const store = options.storeHealth();
        if (!store.ok) {
          throw new AppError(
            "NOT_READY",
            `The database is unreachable (${store.reason}); /predict still serves version ${model.identity.version}`,
            { model: model.identity },
          );
        }
        return { status: "ready", model: model.identity };
      },
      {
        detail: {
          summary: "Readiness: 503 until a model is loaded, and while the database is unreachable",
          tags: ["health"],
        },
      },
    );
}
