// Ids for requests and predictions: unique across a process's calls, and
// recognisable as keel's (a label for an id of another shape is not waited for).

import { expect, test } from "bun:test";
import { createIdGenerator, isKeelId } from "../../src/observability/ids.ts";

test("ids are distinct, and every replica's ids have keel's shape; other strings do not", () => {
  const a = createIdGenerator();
  const b = createIdGenerator();
  const ids = [...Array.from({ length: 1000 }, a), b()];
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.every(isKeelId)).toBe(true);
  for (const other of ["", "abc", "p1", crypto.randomUUID(), `${a()}x!`]) {
    expect(isKeelId(other)).toBe(false);
  }
});

test("one generator's ids share a prefix and count up in base 36, padded to six digits", () => {
  const next = createIdGenerator();
  const ids = Array.from({ length: 1300 }, next);
  const prefix = ids[0]!.slice(0, 17);
  expect(ids.every((id) => id.startsWith(prefix))).toBe(true);
  expect(ids.slice(0, 2).map((id) => id.slice(17))).toEqual(["000000", "000001"]);
  expect(ids[35]!.slice(17)).toBe("00000z");
  expect(ids[36]!.slice(17)).toBe("000010");
  expect(ids[1296]!.slice(17)).toBe("000100");
});
