// The `--drift` option of `keel simulate`: which columns to distort and how.
//   "temp_max:shift=2.0,wind:scale=1.5,weather_type:mix=fog=0.8"
// shift adds N reference standard deviations; scale stretches values away from
// the mean; mix replaces a category value by the given one with a probability.

import { invalidInput } from "../errors.ts";

export type Distortion =
  | { column: string; kind: "shift"; amount: number }
  | { column: string; kind: "scale"; factor: number }
  | { column: string; kind: "mix"; category: string; probability: number };

export function parseDriftSpec(text: string): Distortion[] {
  return text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map(parseEntry);
}

function parseEntry(entry: string): Distortion {
  const fail = (why: string) => invalidInput(`--drift "${entry}": ${why}`);
  const colon = entry.indexOf(":");
  const equals = entry.indexOf("=", colon);
  if (colon <= 0 || equals < 0)
    throw fail("expected column:shift=N, column:scale=N or column:mix=value=P");
  const column = entry.slice(0, colon);
  const kind = entry.slice(colon + 1, equals);
  const value = entry.slice(equals + 1);
  switch (kind) {
    case "shift":
      return { column, kind, amount: finite(value, fail) };
    case "scale":
      return { column, kind, factor: finite(value, fail) };
    case "mix": {
      const split = value.lastIndexOf("=");
      if (split <= 0) throw fail("mix needs a category and a probability, e.g. mix=fog=0.8");
      const probability = finite(value.slice(split + 1), fail);
      if (probability < 0 || probability > 1)
        throw fail("the mix probability must be between 0 and 1");
      return { column, kind, category: value.slice(0, split), probability };
    }
    default:
      throw fail(`unknown distortion "${kind}" (shift, scale or mix)`);
  }
}

function finite(text: string, fail: (why: string) => Error): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) throw fail(`"${text}" is not a number`);
  return value;
}
