// `keel predict --model model.onnx --data FILE [--out FILE]`: scores a CSV, JSON
// lines or parquet file through onnxruntime with the same checks /predict applies,
// one output row per input: the prediction and, for classifiers, proba_<class>.

import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { toCategory, toNumber } from "../data/schema.ts";
import { readSource } from "../data/source.ts";
import { type Cell, decodeTable, type RawTable } from "../data/table.ts";
import { toText } from "../data/text.ts";
import { AppError } from "../errors.ts";
import { readFeatureColumns } from "../serving/feature-columns.ts";
import { loadOnnxModel } from "../serving/onnx-model.ts";
import { type Prediction, toPredictionObjects } from "../serving/tensors.ts";
import { UsageError } from "./errors.ts";

export const PREDICT_HELP = `keel predict: score a data file with an ONNX model

Usage:
  keel predict --model model.onnx --data FILE [--out FILE]

The data is CSV, JSON lines or parquet (a path or an http(s) URL). Every
feature the model needs must be a column; other columns are ignored.
Output: CSV (or JSON lines when --out ends in .jsonl), one row per input:
row, prediction, and for classifiers one proba_<class> column per class.
Without --out it goes to standard output.
`;

const CHUNK_ROWS = 5000;

export async function predictCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: "string" },
      data: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(PREDICT_HELP);
    return 0;
  }
  if (!values.model || !values.data) throw new UsageError("--model and --data are required");
  const file = Bun.file(values.model);
  if (!(await file.exists())) throw new UsageError(`model file ${values.model} not found`);
  const model = await loadOnnxModel(new Uint8Array(await file.arrayBuffer()), {
    identity: { name: "cli", version: 0 },
  });
  try {
    const raw = await readSource(values.data);
    const table = await decodeTable(raw.bytes, raw.format, raw.source);
    const missing = model.signature.features
      .filter((f) => !table.columns.includes(f.name))
      .map((f) => f.name);
    if (missing.length > 0)
      throw new UsageError(
        `${values.data} lacks feature ${missing.map((m) => `"${m}"`).join(", ")} of the model`,
      );
    const predictions = await predictAll(model, table);
    const classes = model.signature.classes ?? [];
    const text = values.out?.endsWith(".jsonl")
      ? asJsonLines(predictions, classes)
      : asCsv(predictions, classes);
    if (values.out) await writeFile(values.out, text);
    else process.stdout.write(text);
    if (values.out) process.stderr.write(`${values.out}: ${predictions.length} rows\n`);
    return 0;
  } finally {
    await model.retire();
  }
}

async function predictAll(
  model: Awaited<ReturnType<typeof loadOnnxModel>>,
  table: RawTable,
): Promise<Prediction[]> {
  const out: Prediction[] = [];
  const features = model.signature.features;
  const index = features.map((f) => table.columns.indexOf(f.name));
  // CSV cells are text: read them by the model's feature types, as training read its data.
  const read = features.map((f) => {
    if (f.type === "text") return toText;
    // A date cell goes to readFeatureColumns as it is: it reads dates as /predict does.
    if (f.type === "datetime") return (cell: Cell | undefined) => toCategory(cell);
    return f.type === "numeric" ? numberOrNull : toCategory;
  });
  for (let start = 0; start < table.rows; start += CHUNK_ROWS) {
    const rows = [];
    for (let r = start; r < Math.min(table.rows, start + CHUNK_ROWS); r++) {
      rows.push(
        Object.fromEntries(features.map((f, i) => [f.name, read[i]!(table.cells[index[i]!]![r])])),
      );
    }
    try {
      const predictions = await model.predict(readFeatureColumns(rows, model.signature));
      out.push(...toPredictionObjects(predictions));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // readFeatureColumns names rows within the chunk; say which file rows they are.
      const where = `rows ${start + 1}–${start + rows.length}`;
      throw new AppError(error.code, `${where}: ${error.message}`, error.details);
    }
  }
  return out;
}

function numberOrNull(cell: Cell | undefined): number | null {
  const value = toNumber(cell);
  return Number.isNaN(value) ? null : value;
}

function asCsv(predictions: Prediction[], classes: string[]): string {
  const header = ["row", "prediction", ...classes.map((c) => `proba_${c}`)].map(csvCell).join(",");
  const lines = predictions.map((p, i) =>
    [
      String(i + 1),
      csvCell(String(p.prediction)),
      ...classes.map((c) => String(p.probabilities?.[c] ?? "")),
    ].join(","),
  );
  return `${[header, ...lines].join("\n")}\n`;
}

function asJsonLines(predictions: Prediction[], classes: string[]): string {
  return predictions
    .map((p, i) =>
      JSON.stringify({
        row: i + 1,
        prediction: p.prediction,
        ...Object.fromEntries(classes.map((c) => [`proba_${c}`, p.probabilities?.[c] ?? null])),
      }),
    )
    .map((line) => `${line}\n`)
    .join("");
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
