// Which columns drift compares for a model's features: each feature as it is,
// and a datetime feature as its cyclical parts (month, day of the week, hour
// where the data has times), each a categorical column named `<feature>.<part>`
// (see DRIFT_PARTS in data/datetime.ts for why not the year). The reference
// profile (from training data) and the live window (from requests) are cut the
// same way, so their columns line up by name.

import type { CategoricalColumn, FeatureColumn } from "../data/dataset.ts";
import {
  type DatetimeOptions,
  type DatetimePart,
  DRIFT_PARTS,
  datetimePart,
  partName,
} from "../data/datetime.ts";
import type { TextOptions } from "../data/text.ts";
import { type ColumnShape, categoricalColumn } from "./live-columns.ts";

/** A feature as a model's signature or a spec describes it. */
export interface DescribedFeature {
  name: string;
  type: "numeric" | "categorical" | "text" | "datetime";
  text?: Pick<TextOptions, "analyzer">;
  datetime?: Partial<DatetimeOptions>;
}

const comparedParts = (options: Partial<DatetimeOptions> | undefined): DatetimePart[] =>
  DRIFT_PARTS.filter((part) => (options?.parts ?? DRIFT_PARTS).includes(part));

/** The shapes of the columns drift reads from request rows for these features. */
export function driftShapes(features: readonly DescribedFeature[]): ColumnShape[] {
  return features.flatMap((f): ColumnShape[] => {
    if (f.type === "datetime") {
      return comparedParts(f.datetime).map((part) => ({
        name: partName(f.name, part),
        type: "categorical",
        part: { from: f.name, part, epoch: f.datetime?.epoch },
      }));
    }
    if (f.type === "text")
      return [{ name: f.name, type: "text", analyzer: f.text?.analyzer ?? "char" }];
    return [{ name: f.name, type: f.type }];
  });
}

/** The columns drift profiles from a dataset's features (training data). */
export function driftColumns(features: readonly FeatureColumn[]): FeatureColumn[] {
  return features.flatMap((f): FeatureColumn[] => {
    if (f.type !== "datetime") return [f];
    return comparedParts(f.options).map((part): CategoricalColumn => {
      const labels = Array.from(f.values, (s) => partLabel(datetimePart(s, part)));
      return categoricalColumn(partName(f.name, part), labels);
    });
  });
}

/** A part as the category drift counts ("7" for July); null when missing. */
export const partLabel = (value: number): string | null =>
  Number.isNaN(value) ? null : String(value);
