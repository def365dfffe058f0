import { describe, expect, test } from "bun:test";
import { parseDriftSpec } from "../../src/simulate/drift-spec.ts";
import { distort } from "../../src/simulate/replay.ts";
import { caughtAppError } from "../helpers/app-error.ts";

describe("--drift spec", () => {
  test("parses shift, scale and mix (a category may itself contain '=')", () => {
    expect(parseDriftSpec("temp_max:shift=2.0, wind:scale=1.5,kind:mix=a=b=0.8")).toEqual([
      { column: "temp_max", kind: "shift", amount: 2 },
      { column: "wind", kind: "scale", factor: 1.5 },
      { column: "kind", kind: "mix", category: "a=b", probability: 0.8 },
    ]);
  });

  test.each(["temp_max", "x:jump=1", "x:shift=abc", "x:mix=a", "x:mix=a=1.5", ":shift=1"])(
    "refuses %p with a clear message",
    async (text) => {
      const error = await caughtAppError(() => parseDriftSpec(text));
      expect(error.code).toBe("INVALID_INPUT");
      expect(error.message).toContain(`--drift "${text}"`);
    },
  );
});

describe("distort", () => {
  const rows = [1, 2, 3, 4, 5].map((x) => ({ features: { x, c: "b" }, label: "y" }));

  test("shift adds standard deviations; scale stretches around the mean", () => {
    const std = Math.sqrt(2);
    expect(
      distort(rows, [{ column: "x", kind: "shift", amount: 1 }]).map((r) => r.features.x),
    ).toEqual([1, 2, 3, 4, 5].map((x) => x + std));
    expect(
      distort(rows, [{ column: "x", kind: "scale", factor: 2 }]).map((r) => r.features.x),
    ).toEqual([-1, 1, 3, 5, 7]);
  });

  test("mix replaces values with the given probability", () => {
    const many = Array.from({ length: 2000 }, () => ({ features: { c: "b" }, label: "y" }));
    const mixed = distort(many, [{ column: "c", kind: "mix", category: "a", probability: 0.8 }]);
    const share = mixed.filter((r) => r.features.c === "a").length / many.length;
    expect(share).toBeGreaterThan(0.75);
    expect(share).toBeLessThan(0.85);
  });

  test("an unknown column is named, as bad input", async () => {
    const error = await caughtAppError(() =>
      distort(rows, [{ column: "nope", kind: "shift", amount: 1 }]),
    );
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.message).toContain('"nope"');
  });
});
