// Registry fixtures over real stores: skl2onnx-style classifiers registered as
// versions of "weather", and a deployment serving the "prod" alias from them.

import { silentLogger } from "../../src/observability/log.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import { createDeployment } from "../../src/pipeline/deployment.ts";
import type { ModelVersion, Registry } from "../../src/registry/registry.ts";
import { inspectOnnx } from "../../src/serving/inspect.ts";
import { createModelSlot } from "../../src/serving/model-slot.ts";
import type { Stores } from "../../src/state/stores.ts";
import { skl2onnxClassifier } from "./onnx-models.ts";

/** Registers a real ONNX classifier as the next version of "weather"; `bias` makes its bytes distinct. */
export function registerClassifier(
  registry: Registry,
  bias = 0,
  source: ModelVersion["source"] = "uploaded",
): Promise<ModelVersion> {
  const onnx = skl2onnxClassifier({ bias });
  return registry.createVersion({
    modelName: "weather",
    onnx,
    signature: inspectOnnx(onnx).signature,
    source,
  });
}

/** Versions 1 and 2 of "weather", and a deployment of its "prod" (and "shadow") alias with their slots (nothing served yet). */
export async function twoVersionsDeployed(stores: Stores) {
  await registerClassifier(stores.registry, 0);
  await registerClassifier(stores.registry, 1);
  const slot = createModelSlot();
  const shadowSlot = createModelSlot();
  const metrics = createMetrics();
  const deployment = createDeployment({
    stores,
    slot,
    shadowSlot,
    modelName: "weather",
    serveAlias: "prod",
    shadowAlias: "shadow",
    metrics,
    logger: silentLogger,
  });
  return { slot, shadowSlot, metrics, deployment };
}
