// Binning a whole column goes through a lookup table rather than a binary
// search per value; it must put every value in exactly numericBin's bin,
// whatever the distribution, including infinities and missing values.

import { expect, test } from "bun:test";
import { createRandom } from "../../../src/data/random.ts";
import { binDataset, numericBin } from "../../../src/training/gbdt/binning.ts";
import { dataset, numeric, values } from "../fixtures.ts";

const shapes: Record<string, (u: number, i: number) => number> = {
  normal: (u) => Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(6.283 * u * 7),
  integers: (u) => Math.floor(u * 1000),
  skewed: (u) => Math.exp(12 * u),
  "few values": (u) => Math.floor(u * 5),
  infinities: (u, i) => (i % 50 === 0 ? (u < 0.5 ? -Infinity : Infinity) : u),
  "mostly infinite": (u) => (u < 0.4 ? -Infinity : u < 0.8 ? Infinity : u),
};

test.each(Object.keys(shapes))("a %s column lands in numericBin's bins", (shape) => {
  const random = createRandom(5);
  const n = 20_000;
  const column = Float64Array.from({ length: n }, (_, i) =>
    i % 97 === 0 ? Number.NaN : shapes[shape]!(random(), i),
  );
  const d = dataset([numeric("x", column)], values("y", new Float64Array(n)));
  const { bins, binnings } = binDataset(
    d,
    Uint32Array.from({ length: 15_000 }, (_, i) => i),
  );
  const binning = binnings[0]!;
  if (binning.kind !== "numeric") throw new Error("expected numeric");
  const expected = Uint8Array.from(column, (v) => numericBin(v, binning.edges));
  expect(Array.from(bins[0]!)).toEqual(Array.from(expected));
});
