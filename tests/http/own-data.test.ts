import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startTestKeel, type TestKeel, tempHome, waitReady } from "./harness.ts";

// A regression dataset with a categorical feature and gaps, given by path and target only.
function writeHouses(dir: string): string {
  const districts = ["north", "south", "east", "west"];
  const lines = ["sold_at,area,district,rooms,price"];
  for (let i = 0; i < 400; i++) {
    const area = 40 + ((i * 37) % 120);
    const district = districts[i % 4]!;
    const rooms = i % 9 === 0 ? "" : String(1 + (i % 5));
    const price = 1000 * area + (district === "north" ? 50_000 : 0) + ((i * 7919) % 5000);
    lines.push(
      `2024-01-${String(1 + (i % 28)).padStart(2, "0")},${area},${district},${rooms},${price}`,
    );
  }
  const path = join(dir, "houses.csv");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

let keel: TestKeel;

beforeAll(async () => {
  const home = tempHome();
  keel = await startTestKeel(
    { KEEL_DATA_URL: writeHouses(home), KEEL_TARGET: "price", KEEL_TIME_COLUMN: "sold_at" },
    home,
  );
  await waitReady(keel);
}, 60_000);

afterAll(() => keel.stop());

describe("a user's own CSV, named by KEEL_DATA_URL and KEEL_TARGET", () => {
  test("trains a ridge regression named after the file, with the category one-hot inside the model", async () => {
    const version = await (await keel.get("/models/houses/versions/1")).json();
    expect(version.algorithm).toBe("ridge");
    expect(version.signature.task).toBe("regression");
    expect(version.signature.features).toEqual([
      { name: "area", type: "numeric" },
      { name: "district", type: "categorical", vocabulary: ["east", "north", "south", "west"] },
      { name: "rooms", type: "numeric" },
    ]);
    expect(version.metrics.r2).toBeGreaterThan(0.9);
  });

  test("predicts a number, learns the category, and accepts unknown categories and missing values", async () => {
    const north = await (
      await keel.post("/predict", { area: 100, district: "north", rooms: 3 })
    ).json();
    const south = await (
      await keel.post("/predict", { area: 100, district: "south", rooms: 3 })
    ).json();
    expect(typeof north.prediction).toBe("number");
    expect(north.prediction - south.prediction).toBeGreaterThan(30_000);
    expect(north.probabilities).toBeUndefined();
    const unknown = await keel.post("/predict", { area: 100, district: "harbour", rooms: null });
    expect(unknown.status).toBe(200);
  });

  test("a number where a category is expected is a 422", async () => {
    const res = await keel.post("/predict", { area: 100, district: 3, rooms: 3 });
    expect(res.status).toBe(422);
    expect((await res.json()).error.details.fields).toEqual([
      { field: "district", problem: "must be a string or null, got a number" },
    ]);
  });

  test("the run records the dataset fingerprint with each column's role", async () => {
    const { runs } = await (await keel.get("/runs")).json();
    const schema = runs[0].dataset.schema;
    expect(schema).toContainEqual({ name: "sold_at", type: "datetime", role: "time" });
    expect(schema).toContainEqual({ name: "price", type: "numeric", role: "target" });
    expect(runs[0].metrics.rmse).toBeGreaterThan(0);
  });
});
