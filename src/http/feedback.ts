// Ground truth in, live quality out: POST /feedback joins a label to a logged
// prediction; GET /quality reports accuracy/F1 (or RMSE/MAE) per version.

import { Elysia, t } from "elysia";
import type { Feedback } from "../drift/feedback.ts";

const tags = ["monitoring"];

export function feedbackRoutes(options: { feedback: Feedback }) {
  const { feedback } = options;
  return new Elysia({ name: "feedback" })
    .post("/feedback", ({ body }) => feedback.record(body.prediction_id, body.label), {
      body: t.Object({
        prediction_id: t.String({ minLength: 1, maxLength: 256 }),
        label: t.Union([t.String(), t.Number()]),
      }),
      detail: {
        summary: "Ground truth for a logged prediction",
        description:
          "Joins `label` to the prediction with `prediction_id` in the live window (404 when the window no longer holds it). A later label for the same prediction replaces the earlier one.",
        tags,
      },
    })
    .get("/quality", () => feedback.quality(), {
      detail: {
        summary: "Live quality per model version over the window's labelled rows",
        tags,
      },
    });
}
