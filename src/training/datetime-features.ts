// What trainers see of a datetime feature: its calendar parts as numeric
// columns named `<feature>.<part>` (data/datetime.ts computes them), so the
// linear model standardises them and the GBDT bins them like any number. The
// exported graph derives the same parts from the raw instant
// (export-datetime.ts), so a client sends the date, never its parts.

import type { Dataset, FeatureColumn, NumericColumn } from "../data/dataset.ts";
import { datetimePart, partName } from "../data/datetime.ts";

export function expandDatetimes(dataset: Dataset): Dataset {
  if (!dataset.features.some((f) => f.type === "datetime")) return dataset;
  const features = dataset.features.flatMap((f): FeatureColumn[] => {
    if (f.type !== "datetime") return [f];
    return f.options.parts.map(
      (part): NumericColumn => ({
        name: partName(f.name, part),
        type: "numeric",
        values: Float64Array.from(f.values, (seconds) => datetimePart(seconds, part)),
      }),
    );
  });
  return { ...dataset, features };
}
