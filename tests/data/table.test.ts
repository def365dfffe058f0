import { describe, expect, test } from "bun:test";
import { parseTable } from "../../src/data/table.ts";
import { bytes, expectAppError, table } from "./helpers.ts";

describe("a CSV", () => {
  test("is read column by column, trimmed, with empty cells as null and a BOM ignored", () => {
    const parsed = table("\uFEFFa, b\n 1 ,x\n\n2,\n");
    expect(parsed).toEqual({
      columns: ["a", "b"],
      rows: 2,
      cells: [
        ["1", "2"],
        ["x", null],
      ],
    });
  });

  test("with a ragged row fails naming its line", async () => {
    await expectAppError(
      () => table("a,b\n1,2\n\n3,4,5\n"),
      "INVALID_DATA",
      "CSV test.csv, line 4: the row has 3 fields but the header has 2",
    );
  });

  test("with a duplicated or unnamed header column fails", async () => {
    await expectAppError(() => table("a,a\n1,2\n"), "INVALID_DATA", 'column "a" appears twice');
    await expectAppError(
      () => table("a,\n1,2\n"),
      "INVALID_DATA",
      "column 2 of the header has no name",
    );
  });

  test("with an unclosed quote fails", async () => {
    await expectAppError(
      () => table('a,b\n1,"2\n'),
      "INVALID_DATA",
      /cannot be parsed: Quote Not Closed/,
    );
  });

  test("that is not UTF-8 fails", async () => {
    await expectAppError(
      () => parseTable(new Uint8Array([0x61, 0x0a, 0xff, 0xfe]), "csv", "bin.csv"),
      "INVALID_DATA",
      "Dataset bin.csv is not UTF-8 text",
    );
  });
});

describe("JSON lines", () => {
  test("take the union of keys as columns, with absent keys as null and blank lines skipped", () => {
    const parsed = table('{"a":1}\n\n{"b":" x ","a":null}\r\n{"a":true}\n', "jsonl");
    expect(parsed).toEqual({
      columns: ["a", "b"],
      rows: 3,
      cells: [
        [1, null, true],
        [null, "x", null],
      ],
    });
  });

  test("with a bad line fail naming its line number", async () => {
    await expectAppError(
      () => table('{"a":1}\n\n{"a":\n', "jsonl"),
      "INVALID_DATA",
      /line 3: not valid JSON/,
    );
    await expectAppError(
      () => table('{"a":1}\n[1,2]\n', "jsonl"),
      "INVALID_DATA",
      /line 2: expected an object/,
    );
    await expectAppError(
      () => table('{"a":{"b":1}}\n', "jsonl"),
      "INVALID_DATA",
      'line 1: field "a" is a nested object',
    );
  });

  test("may also be one JSON array of objects", () => {
    const parsed = table('[{"a":1},{"a":2,"b":"y"}]', "jsonl");
    expect(parsed).toEqual({
      columns: ["a", "b"],
      rows: 2,
      cells: [
        [1, 2],
        [null, "y"],
      ],
    });
  });

  test("that are empty fail", async () => {
    await expectAppError(
      () => parseTable(bytes(""), "jsonl", "e.jsonl"),
      "INVALID_DATA",
      "Dataset e.jsonl is empty",
    );
  });
});
