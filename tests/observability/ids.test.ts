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
