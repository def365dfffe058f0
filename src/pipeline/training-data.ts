// Fetches the training data and holds it to the features, target and task of
// the version in production, so a retrain (or a drift check of fresh data)
// never silently compares or trains on a different schema.

import { type LoadedDataset, loadDataset } from "../data/load.ts";
import type { ColumnSchema } from "../data/schema.ts";
import { type DatasetSpec, specFeatures } from "../data/spec.ts";
import { invalidData } from "../errors.ts";
import type { ModelVersion } from "../registry/registry.ts";

export interface TrainingDataSettings {
  dataUrl: string;
  spec?: DatasetSpec;
  target?: string;
  timeColumn?: string;
}

/** `dataUrl` replaces the configured source (and its spec) for one run. */
export async function loadTrainingData(
  settings: TrainingDataSettings,
  champion: ModelVersion | undefined,
  dataUrl?: string,
): Promise<LoadedDataset> {
  const loaded = await loadDataset({
    source: dataUrl ?? settings.dataUrl,
    spec: dataUrl ? undefined : settings.spec,
    target: settings.target ?? champion?.signature.target,
    timeColumn: settings.timeColumn,
    features: champion && championFeatures(champion, dataUrl ? undefined : settings.spec),
    // A column constant last time may vary now: it is read again, not dropped for good.
    reconsidered: champion?.signature.unused,
  });
  checkCompatible(champion, loaded.spec.target, loaded.spec.task);
  return loaded;
}

/**
 * The production model's features, which a retrain must keep. A text feature
 * keeps its n-gram options too, unless the spec now says otherwise (so editing
 * `max_features` in the spec takes effect at the next retrain).
 */
function championFeatures(champion: ModelVersion, spec: DatasetSpec | undefined): ColumnSchema[] {
  const fromSpec = new Map((spec ? (specFeatures(spec) ?? []) : []).map((f) => [f.name, f]));
  return champion.signature.features.map(({ name, type, text, datetime }) => {
    if (type === "datetime") return { name, type, ...(datetime ? { datetime } : {}) };
    if (type !== "text") return { name, type };
    const declared = fromSpec.get(name);
    return { name, type, text: declared?.type === "text" ? declared.text : text };
  });
}

/**
 * Data the production model's schema does not fit is INVALID_DATA, as data the
 * loader refuses (a missing feature, no target column) is: the run fails with
 * the message and the model in service stays.
 */
function checkCompatible(champion: ModelVersion | undefined, target: string, task: string) {
  if (!champion) return;
  if (champion.signature.target !== target) {
    throw invalidData(
      `The data's target "${target}" differs from "${champion.signature.target}" of version ${champion.version} in production`,
    );
  }
  if (champion.signature.task !== task) {
    throw invalidData(
      `The data reads as ${task} but version ${champion.version} in production is ${champion.signature.task}`,
    );
  }
}
