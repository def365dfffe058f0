import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadDataset } from "../../src/data/load.ts";
import { detectFormat, readSource, redactSource } from "../../src/data/source.ts";
import { caughtAppError as appError } from "../helpers/app-error.ts";
import { writeParquet } from "../helpers/parquet.ts";
import { bytes, expectAppError, sampleCsv, withTempDir } from "./helpers.ts";

const CSV = sampleCsv(12);
let PARQUET: Uint8Array;
let server: ReturnType<typeof Bun.serve>;
let base: string;
const seenAuth: (string | null)[] = [];

/** sampleCsv's rows as parquet: a DATE, an INT32, a DOUBLE and a string. */
async function writeSampleParquet(path: string): Promise<string> {
  const rows = CSV.trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [day, x, y, label] = line.split(",");
      return { day: new Date(`${day}T00:00:00Z`), x: Number(x), y: Number(y), label };
    });
  const schema = {
    day: { type: "DATE" },
    x: { type: "INT32" },
    y: { type: "DOUBLE" },
    label: { type: "UTF8" },
  } as const;
  return writeParquet(path, schema, rows, { compression: "SNAPPY" });
}

beforeAll(async () => {
  PARQUET = await withTempDir(async (dir) =>
    Bun.file(await writeSampleParquet(join(dir, "sample.parquet"))).bytes(),
  );
  server = Bun.serve({
    port: 0,
    fetch(request) {
      const { pathname } = new URL(request.url);
      seenAuth.push(request.headers.get("authorization"));
      if (pathname === "/data.csv") return new Response(CSV);
      // Object stores serve parquet with a generic type; the magic bytes tell.
      if (pathname === "/trips") {
        return new Response(PARQUET, { headers: { "content-type": "application/octet-stream" } });
      }
      if (pathname === "/export") {
        const jsonl = CSV.trim()
          .split("\n")
          .slice(1)
          .map((line) => {
            const [day, x, y, label] = line.split(",");
            return JSON.stringify({ day, x: Number(x), y: Number(y), label });
          })
          .join("\n");
        return new Response(jsonl, { headers: { "content-type": "application/x-ndjson" } });
      }
      if (pathname === "/slow.csv") return Bun.sleep(2_000).then(() => new Response(CSV));
      return new Response("no such file", { status: 404, statusText: "Not Found" });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(() => server.stop(true));

describe("reading from a URL", () => {
  test("loads a CSV served over http", async () => {
    const { dataset, fingerprint } = await loadDataset({
      source: `${base}/data.csv`,
      target: "label",
    });
    expect(dataset.rows).toBe(12);
    expect(fingerprint.source).toBe(`${base}/data.csv`);
    expect(fingerprint.sha256).toBe(new Bun.CryptoHasher("sha256").update(CSV).digest("hex"));
  });

  test("takes the format from the Content-Type when the path has no extension", async () => {
    const { format } = await readSource(`${base}/export`);
    expect(format).toBe("jsonl");
    const { dataset } = await loadDataset({ source: `${base}/export`, target: "label" });
    expect(dataset.rows).toBe(12);
  });

  test("loads parquet served without an extension as application/octet-stream", async () => {
    const { dataset, fingerprint } = await loadDataset({
      source: `${base}/trips`,
      target: "label",
    });
    expect(dataset.rows).toBe(12);
    expect(fingerprint.format).toBe("parquet");
    expect(fingerprint.sha256).toBe(new Bun.CryptoHasher("sha256").update(PARQUET).digest("hex"));
    // A parquet DATE arrives as an ISO day, the table's only date column: its time column.
    expect(fingerprint.schema.find((c) => c.name === "day")).toMatchObject({
      role: "time",
      type: "datetime",
    });
  });

  test("an unreachable URL fails with DATA_UNAVAILABLE naming the URL and the reason", async () => {
    await expectAppError(
      () => readSource("http://127.0.0.1:1/x.csv"),
      "DATA_UNAVAILABLE",
      /http:\/\/127\.0\.0\.1:1\/x\.csv.*unreachable.*ECONNREFUSED/,
    );
  });

  test("a non-2xx answer fails with its status", async () => {
    await expectAppError(
      () => readSource(`${base}/missing.csv`),
      "DATA_UNAVAILABLE",
      `Data URL ${base}/missing.csv answered HTTP 404 Not Found`,
    );
  });

  test("a download slower than the timeout fails saying so", async () => {
    await expectAppError(
      () => readSource(`${base}/slow.csv`, { timeoutMs: 100 }),
      "DATA_UNAVAILABLE",
      /slow\.csv is unreachable: timed out after 100 ms/,
    );
  });

  test("a body over maxBytes is refused", async () => {
    await expectAppError(
      () => readSource(`${base}/data.csv`, { maxBytes: 10 }),
      "DATA_UNAVAILABLE",
      /larger than the limit of 10 bytes/,
    );
  });
});

describe("credentials in a URL", () => {
  test("are sent as basic auth and kept out of the fingerprint", async () => {
    seenAuth.length = 0;
    const source = `http://keel:s3cret-pw@127.0.0.1:${server.port}/data.csv`;
    const { fingerprint } = await loadDataset({ source, target: "label" });
    expect(seenAuth).toEqual([`Basic ${btoa("keel:s3cret-pw")}`]);
    expect(JSON.stringify(fingerprint)).not.toContain("s3cret-pw");
    expect(fingerprint.source).toBe(`${base}/data.csv`);
  });

  test("never show in errors", async () => {
    for (const source of [
      "http://keel:s3cret-pw@127.0.0.1:1/x.csv",
      `http://keel:s3cret-pw@127.0.0.1:${server.port}/missing.csv`,
    ]) {
      const error = await appError(() => readSource(source));
      expect(error.code).toBe("DATA_UNAVAILABLE");
      expect(error.message).not.toContain("s3cret-pw");
      expect(error.message).not.toContain("keel:");
    }
    const invalid = await appError(() =>
      loadDataset({
        source: `http://keel:s3cret-pw@127.0.0.1:${server.port}/data.csv`,
        target: "nope",
      }),
    );
    expect(invalid.message).not.toContain("s3cret-pw");
  });

  test("are redacted, along with secret-looking query values", () => {
    expect(redactSource("https://u:p@host/d.csv?token=abc&page=2")).toBe(
      "https://host/d.csv?token=REDACTED&page=2",
    );
    expect(redactSource("data/seattle-weather.csv")).toBe("data/seattle-weather.csv");
  });
});

describe("reading a local file", () => {
  test("a missing file fails with DATA_UNAVAILABLE naming the path", async () => {
    await expectAppError(
      () => readSource("data/no-such-file.csv"),
      "DATA_UNAVAILABLE",
      "Data file not found: data/no-such-file.csv",
    );
  });

  test("a directory is not a data file", async () => {
    await expectAppError(() => readSource("data"), "DATA_UNAVAILABLE", /is not a file/);
  });

  test("a file over maxBytes is refused", async () => {
    await expectAppError(
      () => readSource("data/seattle-weather.csv", { maxBytes: 1000 }),
      "DATA_UNAVAILABLE",
      /larger than the limit of 1000 bytes/,
    );
  });

  test("a .parquet file is read with the spec beside it", async () => {
    await withTempDir(async (dir) => {
      const path = await writeSampleParquet(join(dir, "trips.parquet"));
      await Bun.write(
        join(dir, "trips.spec.json"),
        JSON.stringify({ target: "label", time_column: "day" }),
      );
      const { dataset, spec, time } = await loadDataset({ source: path });
      expect(dataset.rows).toBe(12);
      expect(spec).toMatchObject({ name: "trips", target: "label", timeColumn: "day" });
      expect(time?.slice(0, 2)).toEqual(["2024-01-01", "2024-01-02"]);
    });
  });

  test("a corrupt .parquet file is INVALID_DATA naming the path", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "broken.parquet");
      await Bun.write(path, PARQUET.subarray(0, PARQUET.byteLength - 30));
      await expectAppError(
        () => loadDataset({ source: path, target: "label" }),
        "INVALID_DATA",
        `Parquet ${path} cannot be read (corrupt or truncated?)`,
      );
    });
  });

  test("without an extension is sniffed as JSON lines when it starts with {", async () => {
    await withTempDir(async (dir) => {
      await Bun.write(join(dir, "export"), '  {"a": 1}\n');
      expect((await readSource(join(dir, "export"))).format).toBe("jsonl");
    });
  });
});

describe("detecting the format", () => {
  test("prefers the extension, then the Content-Type, then the first byte", () => {
    expect(detectFormat("x.csv", "application/json", bytes("{"))).toBe("csv");
    expect(detectFormat("x.ndjson", undefined, bytes("a,b"))).toBe("jsonl");
    expect(detectFormat("x.json", undefined, bytes("[]"))).toBe("jsonl");
    expect(detectFormat("/export", "text/csv; charset=utf-8", bytes("{"))).toBe("csv");
    expect(detectFormat("/export", "text/plain", bytes("\uFEFF\n {"))).toBe("jsonl");
    expect(detectFormat("/export", undefined, bytes("a,b\n1,2"))).toBe("csv");
  });

  test("knows parquet by its extension, its media types, or its PAR1 magic", () => {
    const parquet = bytes("PAR1\u0015\u0000");
    expect(detectFormat("trips.parquet", "application/octet-stream", bytes("{"))).toBe("parquet");
    expect(detectFormat("/export", "application/vnd.apache.parquet", bytes(""))).toBe("parquet");
    expect(detectFormat("/export", "application/x-parquet", bytes(""))).toBe("parquet");
    expect(detectFormat("/export", "application/octet-stream", parquet)).toBe("parquet");
    expect(detectFormat("", undefined, parquet)).toBe("parquet");
    // The extension still comes first.
    expect(detectFormat("x.csv", undefined, parquet)).toBe("csv");
  });
});
