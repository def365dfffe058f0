// The JSON text of a /predict answer, written straight from the prediction
// columns. Building 1,000 answer objects and handing them to JSON.stringify cost
// about three times as much as writing the text, and most of what is left is
// printing the numbers. The text is what JSON.stringify would make of the
// objects, to the byte (tested): the same keys in the same order, numbers
// printed the same way, non-finite numbers as null.

import type { ModelIdentity } from "../serving/onnx-model.ts";
import type { ClassProbabilities, PredictionColumns } from "../serving/tensors.ts";

/** `{prediction, probabilities?, model, prediction_id}` for a one-row request. */
export function singleAnswerJson(
  predictions: PredictionColumns,
  model: ModelIdentity,
  id: string,
): string {
  const row = rowJson(predictions, 0, probabilityKeys(predictions.probabilities));
  // The row's object without its closing brace, then the answer's own fields.
  return `${row.slice(0, -1)},"model":${modelJson(model)},"prediction_id":"${id}"}`;
}

/** `{predictions: [...], model, prediction_ids}` for a batch. */
export function batchAnswerJson(
  predictions: PredictionColumns,
  model: ModelIdentity,
  ids: readonly string[],
): string {
  const keys = probabilityKeys(predictions.probabilities);
  let text = '{"predictions":[';
  for (let i = 0; i < predictions.count; i++) {
    if (i > 0) text += ",";
    text += rowJson(predictions, i, keys);
  }
  // keel's ids are hex, base-36 digits and a dash (observability/ids.ts): nothing to escape.
  const idList = ids.length > 0 ? `"${ids.join('","')}"` : "";
  return `${text}],"model":${modelJson(model)},"prediction_ids":[${idList}]}`;
}

/**
 * The probability object's keys as JSON.stringify lists them, each with the column its
 * value comes from. An object puts integer-like keys ("2", "10") first in numeric order,
 * keeps one key per name (the last column of that name wins) and takes no "__proto__"
 * key; building the same object once from the column indices gives exactly that order.
 */
interface ProbabilityKeys {
  /** `"name":` per key, in order. */
  prefixes: string[];
  columns: number[];
  /** Each class name as a JSON string, for the predicted label. */
  labels: Map<string, string>;
}

const keysByClasses = new WeakMap<string[], ProbabilityKeys>();

function probabilityKeys(
  probabilities: ClassProbabilities | undefined,
): ProbabilityKeys | undefined {
  if (!probabilities) return undefined;
  const { classes } = probabilities;
  let keys = keysByClasses.get(classes);
  if (!keys) {
    const columnOf: Record<string, number> = {};
    for (let c = 0; c < classes.length; c++) columnOf[classes[c]!] = c;
    const entries = Object.entries(columnOf);
    keys = {
      prefixes: entries.map(([name]) => `${JSON.stringify(name)}:`),
      columns: entries.map(([, column]) => column),
      labels: new Map(classes.map((name) => [name, JSON.stringify(name)])),
    };
    keysByClasses.set(classes, keys);
  }
  return keys;
}

function rowJson(
  predictions: PredictionColumns,
  row: number,
  keys: ProbabilityKeys | undefined,
): string {
  const value = predictions.values[row]!;
  const prediction =
    typeof value === "number"
      ? numberJson(value)
      : (keys?.labels.get(value) ?? JSON.stringify(value));
  if (!keys) return `{"prediction":${prediction}}`;
  const { classes, data } = predictions.probabilities!;
  const base = row * classes.length;
  let text = `{"prediction":${prediction},"probabilities":{`;
  let first = true;
  for (let k = 0; k < keys.columns.length; k++) {
    const probability = data[base + keys.columns[k]!];
    // Past the end of a short output tensor the object held undefined, which JSON leaves out.
    if (probability === undefined) continue;
    text += first ? keys.prefixes[k]! : `,${keys.prefixes[k]!}`;
    text += numberJson(probability);
    first = false;
  }
  return `${text}}}`;
}

/** As JSON.stringify prints a number: the shortest round-trip form, null when not finite. */
const numberJson = (value: number) => (Number.isFinite(value) ? `${value}` : "null");

const modelJson = (model: ModelIdentity) =>
  JSON.stringify({ name: model.name, version: model.version });
