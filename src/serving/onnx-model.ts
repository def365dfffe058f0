// A loaded, servable model: an onnxruntime session plus its signature. It
// counts the predictions in flight so that, once retired by a swap, it is
// released only after the last of them has finished.

import { InferenceSession } from "onnxruntime-node";
import { AppError, errorMessage, invalidModel } from "../errors.ts";
import type { ModelSignature } from "../registry/model-format.ts";
import { type BatchShape, createBatcher } from "./batcher.ts";
import { concatColumns, type FeatureColumns, sampleColumns } from "./feature-columns.ts";
import { type InspectedModel, inspectOnnx } from "./inspect.ts";
import {
  decodeOutputs,
  encodeColumns,
  type PredictionColumns,
  slicePredictions,
} from "./tensors.ts";

export interface ModelIdentity {
  name: string;
  version: number;
}

export interface OnnxModel {
  identity: ModelIdentity;
  signature: ModelSignature;
  inspected: InspectedModel;
  /** Predicts checked rows (readFeatureColumns), batched with concurrent callers. */
  predict(columns: FeatureColumns): Promise<PredictionColumns>;
  /** Stops taking new work and releases the session once in-flight work is done. */
  retire(): Promise<void>;
}

export interface LoadOptions {
  identity: ModelIdentity;
  maxBatchRows?: number;
}

/** Inspects, loads and warms a model up; a model that cannot run is refused with INVALID_MODEL. */
export async function loadOnnxModel(bytes: Uint8Array, options: LoadOptions): Promise<OnnxModel> {
  const inspected = inspectOnnx(bytes);
  const session = await createSession(bytes);
  const signature = inspected.signature;
  let inFlight = 0;
  let retired = false;
  let released: Promise<void> | undefined;
  let onIdle: (() => void) | undefined;

  const runColumns = async (columns: FeatureColumns): Promise<PredictionColumns> => {
    const outputs = await session.run(encodeColumns(signature, columns));
    return decodeOutputs(signature, outputs, columns.count);
  };
  const batcher = createBatcher(runColumns, COLUMN_BATCHES, {
    maxRows: options.maxBatchRows ?? 4096,
  });

  const model: OnnxModel = {
    identity: options.identity,
    signature,
    inspected,
    async predict(columns) {
      if (retired) throw new AppError("NOT_READY", "The model was swapped out; retry");
      inFlight++;
      try {
        return await batcher.submit(columns);
      } finally {
        inFlight--;
        if (inFlight === 0) onIdle?.();
      }
    },
    retire() {
      retired = true;
      released ??= new Promise<void>((resolve) => {
        const release = () => {
          void session.release().finally(resolve);
        };
        if (inFlight === 0) release();
        else onIdle = release;
      });
      return released;
    },
  };
  await warmUp(model);
  return model;
}

const COLUMN_BATCHES: BatchShape<FeatureColumns, PredictionColumns> = {
  rows: (columns) => columns.count,
  concat: concatColumns,
  slice: slicePredictions,
};

async function createSession(bytes: Uint8Array): Promise<InferenceSession> {
  try {
    // One thread per session: tabular models are small, a run takes microseconds, and an
    // intra-op pool would spin on the core that HTTP and the training worker need.
    return await InferenceSession.create(bytes, {
      graphOptimizationLevel: "all",
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
  } catch (error) {
    throw invalidModel(`onnxruntime cannot load the model: ${firstLine(errorMessage(error))}`);
  }
}

/** Runs one synthetic row so the first real request does not pay for lazy initialisation. */
async function warmUp(model: OnnxModel): Promise<void> {
  try {
    await model.predict(sampleColumns(model.signature));
  } catch (error) {
    await model.retire();
    throw invalidModel(`The model fails on a sample row: ${firstLine(errorMessage(error))}`);
  }
}

const firstLine = (text: string) => text.split("\n")[0]!.slice(0, 500);
