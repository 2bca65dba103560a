/** One line of the benchmark's table: a figure measured, its reference from the same run, and their ratio. */
export type Row = {
  readonly item: string;
  readonly figure: string;
  readonly measured: string;
  readonly reference: string;
  readonly ratio: string;
};

/** A number with thousands separators and `digits` decimals; "n/a" when not finite. */
export function num(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return "n/a";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** measured ÷ reference as "×0.42"; "n/a" when either is missing or the reference is 0. */
export function ratio(measured: number, reference: number): string {
  if (!Number.isFinite(measured) || !Number.isFinite(reference) || reference === 0) return "n/a";
  const r = measured / reference;
  return `×${r >= 100 ? num(r, 0) : r >= 10 ? num(r, 1) : num(r, 2)}`;
}

/** Dollars with enough decimals to show small figures. */
export const usd = (value: number): string => `$${num(value, value >= 1 ? 2 : value >= 0.01 ? 4 : 6)}`;

/** A fixed-width text table: the first `left` columns aligned left, the others (numbers) right. */
export function renderTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  left = 2,
): string {
  const widths = columns.map((column, i) =>
    Math.max(column.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i < left ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [render(columns), rule, ...rows.map(render)].join("\n");
}
