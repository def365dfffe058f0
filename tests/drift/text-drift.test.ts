// Drift on a text feature: the mix of its characters (or words) and its length,
// reported like any other feature, and stored in the reference profile.

import { describe, expect, test } from "bun:test";
import { createRandom } from "../../src/data/random.ts";
import { textColumn } from "../../src/drift/live-columns.ts";
import {
  buildReferenceProfile,
  decodeProfile,
  encodeProfile,
  OTHER_TOKENS,
  type TextProfile,
} from "../../src/drift/profile.ts";
import { computeDriftReport } from "../../src/drift/report.ts";

const WORDS = ["dragon", "monkey", "sunshine", "shadow", "master", "qwerty"];

function passwords(n: number, seed: number, digitsOnly = false): string[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => {
    if (digitsOnly) return String(Math.floor(random() * 1e6));
    const word = WORDS[Math.floor(random() * WORDS.length)]!;
    return random() < 0.1 ? "" : `${word}${Math.floor(random() * 100)}`;
  });
}

const reference = buildReferenceProfile({
  features: [textColumn("password", passwords(3000, 1))],
});

describe("a text feature's drift", () => {
  test("is not flagged for new rows from the same source", () => {
    const report = computeDriftReport(reference, {
      features: [textColumn("password", passwords(500, 2))],
    });
    const f = report.features[0]!;
    expect(f.type).toBe("text");
    expect(f.method).toBe("jensenshannon");
    expect(f.drifted).toBe(false);
    expect(f.length?.drifted).toBe(false);
    expect(f.current_missing_share).toBeCloseTo(0.1, 1);
    expect(f.note).toContain("characters");
  });

  test("is flagged when the characters and the length change, with both tests reported", () => {
    const report = computeDriftReport(reference, {
      features: [textColumn("password", passwords(500, 3, true))],
    });
    const f = report.features[0]!;
    expect(f.drifted).toBe(true);
    expect(report.drifted_features).toEqual(["password"]);
    expect(f.distance).toBeGreaterThan(f.noise_floor!);
    expect(f.length?.method).toBe("wasserstein");
    expect(f.distribution.kind).toBe("categorical");
    expect(f.length?.distribution.kind).toBe("numeric");
  });

  test("uses the p-value tests on a small reference, and a spec override on the length", () => {
    const small = buildReferenceProfile({
      features: [textColumn("password", passwords(500, 4))],
    });
    const current = { features: [textColumn("password", passwords(300, 5))] };
    const f = computeDriftReport(small, current).features[0]!;
    expect(f.method).toBe("chisquare");
    expect(f.length?.method).toBe("ks");
    const psi = computeDriftReport(small, current, { columns: { password: { method: "psi" } } });
    expect(psi.features[0]!.method).toBe("psi");
  });
});

test("a text profile keeps its top tokens and lengths through encode/decode", () => {
  const decoded = decodeProfile(encodeProfile(reference));
  const profile = decoded.columns[0] as TextProfile;
  const original = reference.columns[0] as TextProfile;
  expect(profile.type).toBe("text");
  expect(profile.tokens).toEqual(original.tokens);
  expect(Array.from(profile.lengths.values)).toEqual(Array.from(original.lengths.values));
  expect(profile.missing).toBe(original.missing);
  expect(Object.keys(profile.tokens)).not.toContain(OTHER_TOKENS);
});
