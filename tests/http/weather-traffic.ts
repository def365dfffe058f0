// Traffic for drift tests: the bundled Seattle weather rows as /predict
// bodies, a drifted regime of the same rows (warmer, wetter, windier), and
// helpers that write either regime as a training CSV with its spec beside it.

import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUNDLED_DATA } from "../../src/config.ts";
import { createRandom } from "../../src/data/random.ts";
import type { TestKeel } from "./harness.ts";

export interface WeatherRow {
  date: string;
  precipitation: number;
  temp_max: number;
  temp_min: number;
  wind: number;
  weather: string;
}

export function weatherRows(): WeatherRow[] {
  const [, ...lines] = readFileSync(BUNDLED_DATA, "utf8").trim().split("\n");
  return lines.map((line) => {
    const [date, precipitation, tempMax, tempMin, wind, weather] = line.split(",");
    return {
      date: date!,
      precipitation: Number(precipitation),
      temp_max: Number(tempMax),
      temp_min: Number(tempMin),
      wind: Number(wind),
      weather: weather!,
    };
  });
}

/** A climate shift: every day 12 °C warmer, three times the rain, twice the wind. */
export function drifted(rows: WeatherRow[]): WeatherRow[] {
  return rows.map((r) => ({
    ...r,
    precipitation: Math.round(r.precipitation * 30) / 10,
    temp_max: Math.round((r.temp_max + 12) * 10) / 10,
    temp_min: Math.round((r.temp_min + 12) * 10) / 10,
    wind: Math.round(r.wind * 20) / 10,
  }));
}

/**
 * Writes rows as `<dir>/weather.csv`, with the bundled spec beside it unless
 * `withSpec` is false (the data as a new user has it); returns the CSV path.
 */
export function writeWeatherCsv(dir: string, rows: WeatherRow[], withSpec = true): string {
  const path = join(dir, "weather.csv");
  const lines = rows.map(
    (r) => `${r.date},${r.precipitation},${r.temp_max},${r.temp_min},${r.wind},${r.weather}`,
  );
  writeFileSync(path, `date,precipitation,temp_max,temp_min,wind,weather\n${lines.join("\n")}\n`);
  if (withSpec) {
    copyFileSync(BUNDLED_DATA.replace(/\.csv$/, ".spec.json"), join(dir, "weather.spec.json"));
  }
  return path;
}

/** A seeded sample of `count` rows. */
export function sample(rows: WeatherRow[], count: number, seed: number): WeatherRow[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => rows[Math.floor(random() * rows.length)]!);
}

export interface Answered {
  id: string;
  prediction: string | number;
}

/** Sends rows to /predict in batches; returns each row's prediction id and answer, in order. */
export async function replay(keel: TestKeel, rows: WeatherRow[]): Promise<Answered[]> {
  const answered: Answered[] = [];
  for (let start = 0; start < rows.length; start += 100) {
    const instances = rows
      .slice(start, start + 100)
      .map(({ precipitation, temp_max, temp_min, wind }) => ({
        precipitation,
        temp_max,
        temp_min,
        wind,
      }));
    const response = await keel.post("/predict", { instances });
    if (response.status !== 200) throw new Error(`/predict answered ${response.status}`);
    const body = await response.json();
    body.prediction_ids.forEach((id: string, i: number) => {
      answered.push({ id, prediction: body.predictions[i].prediction });
    });
  }
  return answered;
}
