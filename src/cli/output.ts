// How commands print: aligned tables for people, JSON for programs.

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(header: string[], rows: (string | number | null | undefined)[][]): void {
  const cells = rows.map((row) =>
    row.map((c) => (c === null || c === undefined ? "-" : String(c))),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  process.stdout.write(`${[line(header), ...cells.map(line)].join("\n")}\n`);
}

/** A short "k=v k=v" form of a metrics object for a table cell. */
export function metricsCell(metrics: Record<string, number> | undefined, keys: string[]): string {
  if (!metrics) return "-";
  const shown = keys
    .filter((k) => metrics[k] !== undefined)
    .map((k) => `${k}=${round(metrics[k]!)}`);
  return shown.length > 0 ? shown.join(" ") : "-";
}

export const round = (x: number) => Math.round(x * 10_000) / 10_000;
