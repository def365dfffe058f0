// The drift reference follows the version in service: when the serving alias
// moves to a version keel trained, that version's training reference becomes
// the active one, from the moment of the move — in the same transaction as
// the move, so every replica compares against the same reference. A version
// without one (an upload) keeps the reference that was active.

import type { DriftStore } from "./drift-store.ts";

export type ReferenceFollow =
  | { outcome: "activated"; referenceId: number }
  | { outcome: "already_active"; referenceId: number }
  | { outcome: "kept"; referenceVersion: number | null }
  | { outcome: "none" };

export async function followServedVersion(
  drift: DriftStore,
  modelName: string,
  version: number,
  at: number,
): Promise<ReferenceFollow> {
  const active = await drift.activeReference(modelName);
  if (active?.source === "training" && active.version === version) {
    return { outcome: "already_active", referenceId: active.id };
  }
  const reference = await drift.referenceForVersion(modelName, version);
  if (!reference) {
    return active ? { outcome: "kept", referenceVersion: active.version } : { outcome: "none" };
  }
  await drift.activateReference(modelName, reference.id, at);
  return { outcome: "activated", referenceId: reference.id };
}
