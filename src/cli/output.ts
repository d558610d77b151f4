/** CLI output: a table for people or JSON with --json. */
export function printTable(rows: Record<string, unknown>[], columns?: string[]): void {
  if (rows.length === 0) {
    console.log('(none)');
    return;
  }
  const cols = columns ?? Object.keys(rows[0]!);
  const text = (v: unknown) =>
    v === null || v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  console.log(line(cols));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(cols.map((c) => text(r[c]))));
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

export function fail(message: string, code = 1): never {
  console.error(`error: ${message}`);
  process.exit(code);
}
