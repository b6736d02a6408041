/** Plain-text tables and number formats for the console report. */

export type Cell = string | number | null;

export function table(headers: string[], rows: Cell[][]): string {
  const text = rows.map((row) => row.map((cell) => (cell === null ? '—' : String(cell))));
  const widths = headers.map((header, column) => Math.max(header.length, ...text.map((row) => (row[column] ?? '').length)));
  // First column reads as a label (left), the rest are figures (right) so digits line up.
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...text.map(line)].map((l) => `  ${l}`).join('\n');
}

/** Milliseconds with precision that suits their size: 0.42, 4.2, 42, 420. */
export function ms(value: number | null): string | null {
  if (value === null) return null;
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

export function fixed(value: number | null, digits = 1): string | null {
  return value === null ? null : value.toFixed(digits);
}

export function times(value: number | null): string | null {
  return value === null ? null : `${value.toFixed(2)}×`;
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function errorsText(errors: Record<string, number>): string {
  const entries = Object.entries(errors);
  return entries.length === 0 ? 'none' : entries.map(([code, n]) => `${code} ×${n}`).join(', ');
}
